"""An employer and its workers as a caller sees them, which perisai.employers.schemas dumps:
the full NIK only where the caller may see it (no `nik` key otherwise), whether the person is
a BPU participant too, and a registration's warnings."""

from __future__ import annotations

from marshmallow import missing

from perisai.auth.permissions import Scope
from perisai.employers.access import sees_full_nik
from perisai.employers.models import Employer, EmployerWorker
from perisai.workers.models import mask_nik


class EmployerView:
    __slots__ = ("employer", "warnings", "worker_count")

    def __init__(self, employer: Employer, worker_count: int, *, warnings=missing):
        self.employer, self.worker_count, self.warnings = employer, worker_count, warnings


class EmployeeView:
    __slots__ = ("bpu_participant", "employee", "scope", "warnings")

    def __init__(
        self, employee: EmployerWorker, scope: Scope, bpu_participant: bool, *, warnings=missing
    ):
        self.employee, self.scope = employee, scope
        self.bpu_participant, self.warnings = bpu_participant, warnings

    @property
    def nik(self):
        shown = sees_full_nik(self.scope, self.employee.employer)
        return self.employee.nik if shown else missing

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.employee.nik)
