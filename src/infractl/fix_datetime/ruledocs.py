"""fix-datetime's rules and their documentation (light: no libcst here; hazards.py reads it)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import RuleDoc

COMMAND = "fix-datetime"


def _rule(id, name, severity, summary, rationale, fix, bad="", good="", aliases=(), overlap=""):
    return RuleDoc(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                   fix=fix, bad=bad, good=good, aliases=aliases, overlap=overlap)


RULES = (
    _rule("DT001", "file-does-not-parse", Severity.ERROR,
          "the file is not valid Python; it was left untouched",
          "A file that does not parse cannot be rewritten safely, so it is reported and skipped; the other "
          "files are still processed.",
          "fix the syntax error, then run fix-datetime again"),
    _rule("DT002", "file-cannot-be-read", Severity.ERROR,
          "the file cannot be read, decoded or encoded back; it was left untouched",
          "infractl keeps each file's encoding (PEP 263 cookie, BOM); a file whose bytes do not match its "
          "declared encoding, or that cannot be read or written, is skipped rather than damaged.",
          "fix the file's encoding or permissions"),
    _rule("DT003", "rewrite-failed", Severity.ERROR,
          "the rewrite itself failed on this file; it was left untouched",
          "An internal error of the codemod on one file must not stop the run or damage the file.",
          "report this as an infractl bug, with the file if you can"),
    _rule("DT101", "aware-meets-naive", Severity.WARNING,
          "aware value compared with or subtracted from a naive datetime: raises TypeError (== is silently False)",
          "Python refuses to order or subtract an aware and a naive datetime (TypeError) and says they are "
          "never equal. After utcnow() becomes now(timezone.utc), every place where the value meets a naive "
          "one (a datetime(...) literal, strptime(), datetime.now(), a naive column value) breaks.",
          "make the other side aware (e.g. tzinfo=timezone.utc), or run this file with --mode naive",
          bad="from datetime import datetime\n\nif datetime.utcnow() > datetime(2030, 1, 1):\n    pass\n",
          good="from datetime import datetime, timezone\n\n"
               "if datetime.now(timezone.utc) > datetime(2030, 1, 1, tzinfo=timezone.utc):\n    pass\n"),
    _rule("DT102", "strips-tzinfo", Severity.WARNING,
          "this code strips tzinfo (.replace(tzinfo=None)) while the rewritten calls now return aware values",
          "Code that removes tzinfo was written for naive values; with aware values it silently turns them "
          "back into naive ones, which then meet the aware ones elsewhere.",
          "keep values aware throughout, or run this file with --mode naive"),
    _rule("DT103", "tzinfo-is-none-branch", Severity.WARNING,
          "branch on 'tzinfo is None': values from the rewritten calls now take the aware branch",
          "A test such as `if value.tzinfo is None:` chose the naive branch for utcnow() values; after the "
          "rewrite the other branch runs.",
          "check the aware branch does what the naive one used to"),
    _rule("DT104", "mktime-local-time", Severity.WARNING,
          "time.mktime() reads a timetuple as local time, so a UTC value is off by the local UTC offset",
          "mktime(value.timetuple()) interprets the tuple as local time whatever tzinfo the value had.",
          "use value.timestamp() instead of time.mktime(value.timetuple())"),
    _rule("DT105", "text-gains-offset", Severity.WARNING,
          "the text of the rewritten value gains '+00:00' (isoformat()/str())",
          "isoformat() and str() of an aware value end in +00:00, so `isoformat() + 'Z'` becomes "
          "'...+00:00Z', and stored or compared text changes.",
          "check parsers, string comparisons and stored text, or format explicitly with strftime()"),
    _rule("DT106", "aware-default-naive-column", Severity.WARNING,
          "SQLAlchemy DateTime column without timezone=True gets an aware default",
          "A naive DateTime column stores what the driver makes of an aware value: some drivers drop the "
          "offset, others convert to the session time zone.",
          "use DateTime(timezone=True) and migrate the column, or run this file with --mode naive"),
)

# What the run skipped or reached through a link (files, not code): reported, never silent.
RULES += (
    _rule("DT004", "file-too-large", Severity.WARNING,
          "the file is over max_file_size and mentions utcnow/utcfromtimestamp; it was not parsed",
          "Multi-megabyte generated modules cost minutes and gigabytes to parse with libcst; past the limit "
          "(default 2 MB, max_file_size in [tool.infractl.fix_datetime], --max-file-size) the file is "
          "skipped and said so rather than slowing every run.",
          "raise max_file_size (0 = no limit) for this tree, or exclude the file"),
    _rule("DT005", "symlinked-file", Severity.INFO,
          "a symlinked .py file: its target is rewritten once, through its real path; the link is kept",
          "Replacing the link's path would turn the link into a regular copy, and a target reached through "
          "several links would be rewritten several times.",
          "nothing to do; rewrite the target where it lives if you prefer"),
    _rule("DT006", "path-not-walked", Severity.WARNING,
          "a symlink loop, a broken symlink or an unreadable directory was skipped",
          "What cannot be read cannot be checked; the run goes on with the rest and says what it missed.",
          "fix or remove the link, or the directory's permissions"),
    _rule("DT007", "explicit-file-excluded", Severity.INFO,
          "a file named on the command line is excluded by configuration or --exclude, so it was skipped",
          "Exclude globs apply to files named explicitly too (pre-commit passes every file); the run says so "
          "instead of doing nothing in silence.",
          "drop the file from exclude to rewrite it"),
)
