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
