from hypothesis import example, given, settings
from hypothesis import strategies as st

from infractl.sanitise.masking import mask_secret_pairs, mask_text, mask_url


def test_url_password_is_masked():
    assert mask_url("postgresql+psycopg://app:s3cr3t@db:5432/app") == "postgresql+psycopg://app:***@db:5432/app"


def test_url_without_password_is_unchanged():
    assert mask_url("postgresql://app@db/app") == "postgresql://app@db/app"
    assert mask_url("https://example.org/a:b") == "https://example.org/a:b"


def test_password_with_special_characters():
    assert "p%40ss:w" not in mask_url("postgresql://u:p%40ss:w@h/d")


def test_free_text_masks_urls_keywords_and_literals():
    text = "connect failed: postgresql://u:hunter22@h/d password=hunter22 PGPASSWORD='x y' also hunter22"
    masked = mask_text(text, ["hunter22"])
    assert "hunter22" not in masked
    assert "x y" not in masked
    assert masked.count("***") >= 3


def test_rightmost_at_rule_and_every_spelling():
    from infractl.sanitise.masking import split_userinfo, url_secrets

    url = "postgresql://user:p@ss%40word!Zq9@host/db"
    assert split_userinfo(url) == ("postgresql", "user", "p@ss%40word!Zq9", "host/db")
    secrets = url_secrets(url)
    assert {"p@ss%40word!Zq9", "p@ss@word!Zq9", "p", "p%40ss%2540word%21Zq9"} <= set(secrets)
    for text in (url, "failed to resolve host 'ss%40word!Zq9@host'", "p%40ss%2540word%21Zq9"):
        assert "ss%40word" not in mask_text(text, secrets) and "ss%2540word" not in mask_text(text, secrets)
    assert mask_url(url) == "postgresql://user:***@host/db"
    query = url_secrets("postgresql://u@h/d?sslmode=require&password=s%20cret")
    assert {"s%20cret", "s cret"} <= set(query)


# Fragments that build texts near every pattern's edge: the words, their Unicode case-folding twins
# (ſ folds to s, the Kelvin sign to k), separators and URL pieces.
_FRAGMENTS = ["password", "PassWord", "paſſword", "pgpassword", "passwd", "api_key", "API-\u212aEY", "token",
              "Secret", "credential", "key", "pass", "=", ": ", "::", "'", '"', " ", "\t", "://", "u:pw@h/d",
              "postgresql", "s3cr3t", "${X}", "é", "\u2028", "&", ","]


@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=12).map("".join))
@settings(max_examples=500, deadline=None, database=None)
@example("paſſword=hunter22 DB_PAſſWORD: x")  # IGNORECASE matches ſ as s; lower() leaves it ſ
@example("API_\u212aEY=abc postgresql://u:pw@h/d")  # the Kelvin sign matches k
def test_fast_paths_mask_exactly_what_the_patterns_mask(text):
    """mask_text and mask_secret_pairs skip a pattern's scan when a substring test shows it cannot match:
    the result must be the full patterns' result, whatever the text."""
    from infractl.sanitise import masking

    literals = text
    for secret in sorted(masking._remembered, key=len, reverse=True):  # what other tests made it remember
        literals = literals.replace(secret, "***") if len(secret) >= masking.MIN_SECRET else literals
    by_patterns = masking._KEYWORD_PASSWORD.sub(lambda m: m.group("head") + "***", mask_url(literals))
    assert mask_text(text) == by_patterns
    pairs = masking._SECRET_PAIR.sub(masking._masked_pair, text) if masking.SECRET_NAME.search(text) else text
    assert mask_secret_pairs(text) == pairs


def test_persist_credentials_switch_is_not_masked_but_a_value_there_is():
    """zizmor's artipacked says "does not set persist-credentials: false"; on main that printed
    "persist-credentials: ***" (and the area and the command disagreed on the text)."""
    from infractl.sanitise.masking import mask_secret_pairs

    assert mask_secret_pairs("does not set persist-credentials: false") == "does not set persist-credentials: false"
    assert mask_secret_pairs("persist-credentials: hunter2") == "persist-credentials: ***"
    assert mask_secret_pairs("DB_CREDENTIAL: false") == "DB_CREDENTIAL: ***"


def test_an_object_label_and_its_name_are_no_secret_pair():
    """infractl names objects as "<kind> NAME: what is wrong"; a name with "secret" or "token" in it must not
    swallow the next word ("container secret-init: *** ..." was printed on real charts)."""
    for text in ('container secret-init: image "busybox" has no tag', "container token-refresher: no limits",
                 "secret WEBHOOK_SECRET: environment variable is not set", "init container vault-token: runs as root"):
        assert mask_secret_pairs(text) == text


def test_a_value_after_a_label_is_still_masked_when_it_is_not_plain_words():
    for text, secret in (("container db-password: hunter", "hunter"), ("container x-token: s3cr3t now", "s3cr3t"),
                         ("env API_TOKEN: abcdef more", "abcdef"), ("vault-secret: hunter2", "hunter2"),
                         ('container x-token: "quoted" now', "quoted")):
        assert secret not in mask_secret_pairs(text), text


def test_a_name_is_taken_whole():
    # the pair's name starts where the word does: "vault-secret" is one name, not "vault" + "-secret"
    assert mask_secret_pairs("vault-secret: hunter2") == "vault-secret: ***"
    assert mask_secret_pairs("--api-key=abc123") == "--api-key=***"
