"""fix-datetime's rules about files (DT001-DT009: not parsed, not read, skipped, not written), one object
each, beside the steps that make their findings through them: workers.py (a file that cannot be parsed
or rewritten), select/candidates.py and command.py (what the walk skips, what is not written). The rules
about source (DT010-DT012, DT101-DT109) live beside the analysis, in analyse/rules.py. Light: this
module imports nothing but findings and rulebook (``infractl check`` imports it)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "fix-datetime"

# DT002-DT009 are about files (unreadable, too large, links, excluded, not written): not source cases
_ABOUT_FILES = ("about a file, not its source (unreadable, too large, a link, excluded, not written): "
                "tests/fix_datetime provokes each on disk")


def _rule(id, name, severity, summary, rationale, fix, invalid=(), no_cases=_ABOUT_FILES):
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, invalid=invalid, no_cases=no_cases)


FILE_DOES_NOT_PARSE = _rule(
    "DT001", "file-does-not-parse", Severity.ERROR,
    "the file is not valid Python; it was left untouched",
    "A file that does not parse cannot be rewritten safely, so it is reported and skipped; the other "
    "files are still processed.",
    "fix the syntax error, then run fix-datetime again",
    invalid=("def broken(:\n    datetime.utcnow()\n",), no_cases="")

FILE_CANNOT_BE_READ = _rule(
    "DT002", "file-cannot-be-read", Severity.ERROR,
    "the file cannot be read, decoded or encoded back; it was left untouched",
    "infractl keeps each file's encoding (PEP 263 cookie, BOM); a file whose bytes do not match its "
    "declared encoding, or that cannot be read or written, is skipped rather than damaged.",
    "fix the file's encoding or permissions")

REWRITE_FAILED = _rule(
    "DT003", "rewrite-failed", Severity.ERROR,
    "the rewrite itself failed on this file; it was left untouched",
    "An internal error of the codemod on one file must not stop the run or damage the file.",
    "report this as an infractl bug, with the file if you can")

FILE_TOO_LARGE = _rule(
    "DT004", "file-too-large", Severity.WARNING,
    "the file is over max_file_size and mentions utcnow/utcfromtimestamp; it was not parsed",
    "A multi-megabyte generated module is not code to rewrite by hand, and its analysis would be most of "
    "the run; past the limit (default 2 MB, max_file_size in [tool.infractl.fix_datetime], "
    "--max-file-size) the file is skipped and said so rather than slowing every run.",
    "raise max_file_size (0 = no limit) for this tree, or exclude the file")

SYMLINKED_FILE = _rule(
    "DT005", "symlinked-file", Severity.INFO,
    "a symlinked .py file: its target is rewritten once, through its real path; the link is kept",
    "Replacing the link's path would turn the link into a regular copy, and a target reached through "
    "several links would be rewritten several times.",
    "nothing to do; rewrite the target where it lives if you prefer")

PATH_NOT_WALKED = _rule(
    "DT006", "path-not-walked", Severity.WARNING,
    "a symlink loop, a broken symlink or an unreadable directory was skipped",
    "What cannot be read cannot be checked; the run goes on with the rest and says what it missed.",
    "fix or remove the link, or the directory's permissions")

EXPLICIT_FILE_EXCLUDED = _rule(
    "DT007", "explicit-file-excluded", Severity.INFO,
    "a file named on the command line is excluded by configuration or --exclude, so it was skipped",
    "Exclude globs apply to files named explicitly too (pre-commit passes every file); the run says so "
    "instead of doing nothing in silence.",
    "drop the file from exclude to rewrite it")

NOT_WRITTEN = _rule(
    "DT008", "not-written", Severity.ERROR,
    "the rewrite was not written: the file changed, went away, is read-only, is hard-linked, or would "
    "change owner",
    "Just before replacing a file, fix-datetime checks it is still the file it read (same inode, size, "
    "mtime and bytes): a file edited, deleted or renamed meanwhile is not overwritten or recreated. A "
    "rewrite that would give the file to another owner, override a read-only file (root included: "
    "no write bit at all means read-only), or split a hard link is refused too. The file stays as it "
    "was; its DT010/DT011 findings stand.",
    "see the message: run again once nothing else edits the file, fix its permissions or owner, or "
    "give a hard-linked name its own copy")

LINK_OUTSIDE_PATHS = _rule(
    "DT009", "link-outside-paths", Severity.WARNING,
    "a symlink inside the given paths leads to a file outside them; that file is not rewritten",
    "fix-datetime writes only below the paths it was given. A link to another project, a shared "
    "checkout or a system file would otherwise get that file rewritten behind the user's back.",
    "run fix-datetime on the target's own path, or replace the link with a copy")

RULES = (FILE_DOES_NOT_PARSE, FILE_CANNOT_BE_READ, REWRITE_FAILED, FILE_TOO_LARGE, SYMLINKED_FILE, PATH_NOT_WALKED,
         EXPLICIT_FILE_EXCLUDED, NOT_WRITTEN, LINK_OUTSIDE_PATHS)
