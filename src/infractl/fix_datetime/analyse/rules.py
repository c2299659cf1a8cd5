"""fix-datetime's rules about source, one object each, beside the analysis that decides them: the
rewrites (DT010 utcnow, DT011 utcfromtimestamp) and the kept-naive note (DT012) that safety.py plans, and
the hazards (DT101-DT109) that flow.py, hazards.py and the clock stubs find. Their findings are made
through these objects (safety.py's notes, the transform's hazards, workers.py's findings). Light: no
libcst here (``infractl rules`` and ``infractl check`` import it)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.fix_datetime.verify.rules import UNDECIDED, VERIFIED_AWARE
from infractl.rulebook import Rule

COMMAND = "fix-datetime"

# A rewrite rule is an error while the call is still there (--check, check) and info once it was rewritten.
_REWRITTEN_IS_INFO = "info once the call was rewritten (a write run reports what it did)"


# fix-datetime rewrites these itself, and check --fix runs that rewrite (treefix.py, a whole-tree fixer); safe: auto mode keeps naive what
# it cannot prove may become aware (rulebook.FIX_SAFETIES)
_REWRITES = ("DT010", "DT011")


def _rule(id, name, severity, summary, rationale, fix, bad="", good="", aliases=(), overlap="", varies="",
          fix_cases=()):
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, aliases=aliases, overlap=overlap, varies=varies,
                fix_safety="safe" if id in _REWRITES else "",
                fixer="infractl.fix_datetime.treefix:rewrite_tree" if id in _REWRITES else "", fix_cases=fix_cases)


UTCNOW_CALL = _rule(
    "DT010", "utcnow-call", Severity.ERROR,
    "deprecated datetime.utcnow() (or a reference to it) that fix-datetime rewrites",
    "datetime.utcnow() is deprecated since Python 3.12 and returns a naive value that means UTC only by "
    "convention. fix-datetime rewrites it to datetime.now(timezone.utc): aware where the flow analysis "
    "shows nothing needs a naive value (--mode auto, the default), else with .replace(tzinfo=None) so "
    "the value stays exactly as before. With --check each pending rewrite is an error; a write run "
    "reports it as info. `# noqa: DT010` (or ruff's `# noqa: DTZ003`) leaves that line alone.",
    "run infractl fix-datetime, or add `# noqa: DT010` to keep the call",
    bad="from datetime import datetime\n\nstarted = datetime.utcnow()\n",
    good="from datetime import datetime, timezone\n\nstarted = datetime.now(timezone.utc)\n",
    fix_cases=(("from datetime import datetime\n\nstarted = datetime.utcnow()\n",
                "from datetime import datetime, timezone\n\nstarted = datetime.now(timezone.utc).replace(tzinfo=None)\n"),
               ("from datetime import datetime\n\n\ndef age(then):\n    return (datetime.utcnow() - then).total_seconds()\n",
                ("from datetime import datetime, timezone\n\n\ndef age(then):\n"
                 "    return (datetime.now(timezone.utc).replace(tzinfo=None) - then).total_seconds()\n"))),
    aliases=("DTZ003",), overlap="ruff DTZ003 reports the call but cannot fix it, and misses references",
    varies=_REWRITTEN_IS_INFO)

UTCFROMTIMESTAMP_CALL = _rule(
    "DT011", "utcfromtimestamp-call", Severity.ERROR,
    "deprecated datetime.utcfromtimestamp() (or a reference to it) that fix-datetime rewrites",
    "datetime.utcfromtimestamp(t) is deprecated since Python 3.12; it becomes "
    "datetime.fromtimestamp(t, tz=timezone.utc), with .replace(tzinfo=None) where the value must stay "
    "naive. `# noqa: DT011` (or ruff's `# noqa: DTZ004`) leaves that line alone.",
    "run infractl fix-datetime, or add `# noqa: DT011` to keep the call",
    bad="from datetime import datetime\n\nwhen = datetime.utcfromtimestamp(0)\n",
    good="from datetime import datetime, timezone\n\nwhen = datetime.fromtimestamp(0, tz=timezone.utc)\n",
    fix_cases=(("from datetime import datetime\n\nwhen = datetime.utcfromtimestamp(0)\n",
                ("from datetime import datetime, timezone\n\n"
                 "when = datetime.fromtimestamp(0, tz=timezone.utc).replace(tzinfo=None)\n")),),
    aliases=("DTZ004",), overlap="ruff DTZ004 reports the call but cannot fix it", varies=_REWRITTEN_IS_INFO)

KEPT_NAIVE = _rule(
    "DT012", "kept-naive", Severity.INFO,
    "rewritten in the naive-preserving form: the value meets something that needs it naive",
    "In --mode auto a value becomes aware only when the flow analysis shows it never meets a naive "
    "datetime, a naive-expecting API or text, and never leaves what it can follow. Otherwise the call "
    "gets the form that changes nothing (now(timezone.utc).replace(tzinfo=None)); this finding says "
    "why and where the naive partner is, so a person can make both sides aware.",
    "make the partner aware, then run fix-datetime --mode aware on the file",
    bad="from datetime import datetime\n\n\ndef expired(text):\n"
        "    return datetime.utcnow() > datetime.strptime(text, '%Y-%m-%d')\n",
    good="from datetime import datetime\n\n\ndef elapsed(work):\n    start = datetime.utcnow()\n"
         "    work()\n    return (datetime.utcnow() - start).total_seconds()\n")

AWARE_MEETS_NAIVE = _rule(
    "DT101", "aware-meets-naive", Severity.WARNING,
    "aware value compared with or subtracted from a naive (or possibly naive) datetime: raises TypeError (== is silently False)",
    "Python refuses to order or subtract an aware and a naive datetime (TypeError) and says they are "
    "never equal. After utcnow() becomes now(timezone.utc), every place where the value meets a naive "
    "one (a datetime(...) literal, strptime(), datetime.now(), a naive column value) breaks.",
    "make the other side aware (e.g. tzinfo=timezone.utc), or run this file with --mode auto",
    bad="from datetime import datetime\n\nif datetime.utcnow() > datetime.strptime('2030', '%Y'):\n    pass\n",
    good="from datetime import datetime, timezone\n\n"
         "if datetime.now(timezone.utc) > datetime(2030, 1, 1, tzinfo=timezone.utc):\n    pass\n")

STRIPS_TZINFO = _rule(
    "DT102", "strips-tzinfo", Severity.WARNING,
    "this code strips tzinfo (.replace(tzinfo=None)) while the rewritten calls now return aware values",
    "Code that removes tzinfo was written for naive values; with aware values it silently turns them "
    "back into naive ones, which then meet the aware ones elsewhere.",
    "keep values aware throughout, or run this file with --mode auto",
    bad="from datetime import datetime\n\n\ndef _now():\n    return datetime.utcnow()\n\n\n"
        "def stamp():\n    return _now().replace(tzinfo=None)\n",
    good="from datetime import datetime\n\n\ndef stamp(value):\n    return value.replace(tzinfo=None)\n")

TZINFO_IS_NONE_BRANCH = _rule(
    "DT103", "tzinfo-is-none-branch", Severity.WARNING,
    "branch on 'tzinfo is None': values from the rewritten calls now take the aware branch",
    "A test such as `if value.tzinfo is None:` chose the naive branch for utcnow() values; after the "
    "rewrite the other branch runs.",
    "check the aware branch does what the naive one used to",
    bad="from datetime import datetime\n\n\ndef f():\n    now = datetime.utcnow()\n"
        "    return now.tzinfo is None\n",
    good="from datetime import datetime\n\n\ndef f(now):\n    return now.tzinfo is None\n")

LOCAL_TIME_READING = _rule(
    "DT104", "local-time-reading", Severity.WARNING,
    "timetuple()/timestamp()/astimezone() of the value: a naive value was read as local time",
    "mktime(value.timetuple()) reads the tuple as local time; naive.timestamp() and naive.astimezone() "
    "take a naive value as local time too, while an aware UTC value is read as UTC. On a machine whose "
    "time zone is not UTC the rewritten value gives another result.",
    "use value.timestamp() on an aware value and check the callers expect the corrected result",
    bad="import time\nfrom datetime import datetime\n\n\ndef f():\n"
        "    return time.mktime(datetime.utcnow().timetuple())\n",
    good="from datetime import datetime, timezone\n\n\ndef f():\n"
         "    return datetime.now(timezone.utc).year\n")

TEXT_GAINS_OFFSET = _rule(
    "DT105", "text-gains-offset", Severity.WARNING,
    "the text of the rewritten value gains '+00:00' (isoformat()/str())",
    "isoformat() and str() of an aware value end in +00:00, so `isoformat() + 'Z'` becomes "
    "'...+00:00Z', and stored or compared text changes.",
    "check parsers, string comparisons and stored text, or format explicitly with strftime()",
    bad="from datetime import datetime, timedelta\n\n\ndef f():\n"
        "    return (datetime.utcnow() + timedelta(hours=1)).isoformat() + 'Z'\n",
    good="from datetime import datetime\n\n\ndef f():\n"
         "    return datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')\n")

AWARE_DEFAULT_NAIVE_COLUMN = _rule(
    "DT106", "aware-default-naive-column", Severity.WARNING,
    "SQLAlchemy DateTime column without timezone=True gets an aware default",
    "A naive DateTime column stores what the driver makes of an aware value: some drivers drop the "
    "offset, others convert to the session time zone.",
    "use DateTime(timezone=True) and migrate the column, or run this file with --mode auto",
    bad="from datetime import datetime\nfrom sqlalchemy import Column, types\n\n"
        "created = Column('created', types.DateTime, default=datetime.utcnow)\n",
    good="from datetime import datetime\nfrom sqlalchemy import Column, types\n\n"
         "created = Column('created', types.DateTime(timezone=True), default=datetime.utcnow)\n")

CLOCK_STUB_NOT_REWRITTEN = _rule(
    "DT107", "clock-stub-not-rewritten", Severity.WARNING,
    "a test stubs datetime.utcnow in a way fix-datetime cannot rewrite to stub now()",
    "Tests that stub the clock (`patch('pkg.mod.datetime')` then `m.utcnow.return_value = ...`) stop "
    "applying once the code calls now(): the real clock or a MagicMock leaks into results. fix-datetime "
    "rewrites the stubs it understands (m.utcnow -> m.now, patch targets, patch.object) and reports "
    "the others here (e.g. an assertion on the call's arguments, a fake datetime subclass), also when the "
    "fake is defined in another file (conftest.py, a helper module, a fixture) or comes from outside the "
    "project: the stubbed module's calls are then held back too. Two stubs that cannot follow by nature "
    "are held the same way, because holding is the safe default: a stub or fake that gives utcnow and now "
    "different meanings (m.utcnow.return_value = 12:00 and m.now.return_value = 14:00, the two set by name "
    "through setattr/getattr, patch.multiple(..., utcnow=..., now=...), a fake class defining both) would "
    "see the rewritten utcnow() answered by its now stub (a local offset becomes 0); and freezegun's "
    "freeze_time with a non-zero or unknown tz_offset, under which its now(tz) adds the offset and its "
    "utcnow() does not, so even now(timezone.utc).replace(tzinfo=None) is shifted: the utcnow() sites of "
    "the freezing test and of the modules it imports are held (utcfromtimestamp's rewrite is exact under "
    "it and still made). --mode aware rewrites them all.",
    "stub now() as well (it is called with timezone.utc), or keep the stubbed call with # noqa: DT010",
    bad="from unittest import mock\n\n\n@mock.patch('app.clock.datetime')\ndef test_f(m):\n"
        "    m.utcnow.return_value = 1\n    m.utcnow.assert_called_once_with()\n",
    good="from unittest import mock\n\n\n@mock.patch('app.clock.datetime')\ndef test_f(m):\n"
         "    m.utcnow.return_value = 1\n")

NAIVE_EXPECTING_API = _rule(
    "DT108", "naive-expecting-api", Severity.WARNING,
    "the value is passed to an API that needs a naive datetime (pytz localize())",
    "pytz's tz.localize(value) raises ValueError('Not naive datetime') on an aware value.",
    "use value.astimezone(tz) on the aware value instead of localize()",
    bad="import pytz\nfrom datetime import datetime\n\n\ndef f(tz):\n"
        "    return tz.localize(datetime.utcnow())\n",
    good="import pytz\nfrom datetime import datetime, timezone\n\n\ndef f(tz):\n"
         "    return datetime.now(timezone.utc).astimezone(tz)\n")

VALUE_LEAVES_ANALYSIS = _rule(
    "DT109", "value-leaves-analysis", Severity.WARNING,
    "the now-aware value leaves what the analysis can follow (passed on, stored, returned to other modules)",
    "Where the value goes next cannot be seen from this function and module: it may meet a naive value "
    "there. --mode auto keeps such values naive; --mode aware makes them aware and reports this.",
    "follow the value and check what it meets, or keep the default --mode auto",
    bad="from datetime import datetime\n\n\ndef now():\n    return datetime.utcnow()\n",
    good="from datetime import datetime\n\n\ndef today():\n    return datetime.utcnow().date()\n")

RULES = (UTCNOW_CALL, UTCFROMTIMESTAMP_CALL, KEPT_NAIVE, AWARE_MEETS_NAIVE, STRIPS_TZINFO, TZINFO_IS_NONE_BRANCH,
         LOCAL_TIME_READING, TEXT_GAINS_OFFSET, AWARE_DEFAULT_NAIVE_COLUMN, CLOCK_STUB_NOT_REWRITTEN,
         NAIVE_EXPECTING_API, VALUE_LEAVES_ANALYSIS)
# flow.py's problems name their rule by id; --verify's verdicts land on sites too (verify/rules.py)
RULE = {rule.id: rule for rule in (*RULES, VERIFIED_AWARE, UNDECIDED)}
REWRITE_RULE = {"utcnow": UTCNOW_CALL, "utcfromtimestamp": UTCFROMTIMESTAMP_CALL}  # by the call's name
