// GPS and a camera photo, downscaled on the phone (long side ≤ 1024 px, JPEG) before it is
// stored in the outbox, so a photo costs ~100 KB of the agent's data plan, not 4 MB.
const MAX_SIDE = 1024;

export function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error("no geolocation"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lat: Number(p.coords.latitude.toFixed(6)),
          lon: Number(p.coords.longitude.toFixed(6)),
          accuracy_m: Math.round(p.coords.accuracy),
        }),
      reject,
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  });
}

export function takePhoto() {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "image/*";
    input.setAttribute("capture", "environment");
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      resolve(file ? await downscale(file) : null);
    });
    input.click();
  });
}

export async function downscale(file, maxSide = MAX_SIDE) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close && bitmap.close();
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob), "image/jpeg", 0.8));
}
