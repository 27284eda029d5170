"""The library's own error types: everything a bad input can cause is one of these."""

from __future__ import annotations


class SamverkanError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(SamverkanError):
    """A file that cannot be read as an agreement (missing, empty, corrupt, encrypted...)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UnsupportedFormatError(InputError):
    """A file whose type the tool does not read."""


class OutputError(SamverkanError, OSError):
    """An output file that cannot be written (a folder in the way, no permission, disk full).

    Also an ``OSError``, so code that caught the underlying error still catches it."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"cannot write {self.path}: {problem}")


class MissingDependencyError(SamverkanError):
    """An optional extra (OCR, Excel, Parquet) is needed but not installed."""


class TimeLimitExceeded(BaseException):
    """A file took longer than its time limit.

    Deliberately outside the ``SamverkanError`` family and not an ``Exception``: the
    readers catch ``Exception`` from the libraries they call (pdfminer raises many
    types), and a time limit they could catch would be one they could swallow. Only the
    batch, which set the limit, catches it.
    """


class UnknownNameError(SamverkanError, ValueError):
    """A filter named a county, police region, municipality or document type that does
    not exist; the message lists the closest known names."""


class CorrectionError(SamverkanError, ValueError):
    """A corrections file that cannot be applied: the message names the file and line."""


class OutputWarning(UserWarning):
    """Something an output could not carry as it was (a control character replaced)."""
