from infractl.masking import mask_text, mask_url


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
    from infractl.masking import split_userinfo, url_secrets

    url = "postgresql://user:p@ss%40word!Zq9@host/db"
    assert split_userinfo(url) == ("postgresql", "user", "p@ss%40word!Zq9", "host/db")
    secrets = url_secrets(url)
    assert {"p@ss%40word!Zq9", "p@ss@word!Zq9", "p", "p%40ss%2540word%21Zq9"} <= set(secrets)
    for text in (url, "failed to resolve host 'ss%40word!Zq9@host'", "p%40ss%2540word%21Zq9"):
        assert "ss%40word" not in mask_text(text, secrets) and "ss%2540word" not in mask_text(text, secrets)
    assert mask_url(url) == "postgresql://user:***@host/db"
    query = url_secrets("postgresql://u@h/d?sslmode=require&password=s%20cret")
    assert {"s%20cret", "s cret"} <= set(query)
