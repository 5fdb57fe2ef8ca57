// Links a participant can open: the server signs a public URL to one card or receipt PDF (valid
// 30 days, no login); the phone shares it (share sheet, else the clipboard) and shows it on the
// screen, with when it stops working. A link needs the network: offline, the agent is told so.
import * as api from "./api.js";
import { t, locale } from "./i18n.js";
import { h, toast } from "./ui.js";

// `sign`: the api.js function that asks the server for the link (api.cardLink, api.receiptLink).
export async function shareLink(sign, { title, text }, out) {
  const say = (message, kind = "info") =>
    out.replaceChildren(h("p", { class: `hint ${kind}`, role: "status" }, message));
  if (!navigator.onLine) {
    say(t("share.offline"), "warn");
    return null;
  }
  let link;
  try {
    link = await sign();
  } catch (error) {
    say(error instanceof api.NetworkError ? t("share.offline") : error.message, "warn");
    return null;
  }
  const until = new Date(link.expires_at).toLocaleDateString(locale(), {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  out.replaceChildren(
    h(
      "p",
      { class: "hint", role: "status" },
      t("share.valid_until", until),
      " ",
      h("a", { href: link.url, target: "_blank", rel: "noopener", class: "share-link" }, t("share.open")),
    ),
  );
  try {
    if (navigator.share) await navigator.share({ title, text, url: link.url });
    else if (navigator.clipboard) {
      await navigator.clipboard.writeText(`${text}\n${link.url}`);
      toast(t("receipt.copied"));
    }
  } catch {
    /* the agent closed the share sheet; the link stays on the screen */
  }
  return link;
}
