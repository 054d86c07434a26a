"""The site search: finds pages in the visitor's language, counts them, survives whatever is typed."""

import pytest


def _result_links(doc):
    return [a["href"] for a in doc.select("ol.search-results h2 a")]


def test_search_finds_an_article_by_a_word_of_its_body_and_counts_it(site_pages, get_html):
    doc = get_html("/fr/search/", q="vernis")

    assert _result_links(doc) == ["/fr/actualites/restauration-retable/"]
    status = doc.select_one('[role="status"]').get_text(strip=True)
    assert status.startswith("1 ")
    assert "vernis" in status
    assert doc.select_one("#search-page-q")["value"] == "vernis"


def test_search_stays_in_the_visitors_language(site_pages, get_html):
    # The English translation has the same (untranslated) body: only the English page is listed.
    doc = get_html("/en/search/", q="vernis")
    assert _result_links(doc) == ["/en/news/restoring-the-great-altarpiece/"]
    assert doc.html["lang"] == "en"
    assert doc.select_one('[role="status"]').get_text(strip=True) == "1 result for “vernis”."


def test_search_does_not_list_drafts(site_pages, add_article, get_html):
    add_article("Projet secret", slug="projet", live=False, intro="Une acquisition zygomorphe")
    doc = get_html("/fr/search/", q="zygomorphe")
    assert _result_links(doc) == []
    assert doc.select_one('[role="status"]').get_text(strip=True).startswith("0 ")


@pytest.mark.parametrize("query", [None, "", "   "])
def test_empty_query_shows_no_results_block(site_pages, get_html, query):
    params = {} if query is None else {"q": query}
    doc = get_html("/fr/search/", **params)
    assert doc.select_one('[role="status"]') is None
    assert doc.select_one("ol.search-results") is None
    assert doc.h1 is not None


def test_very_long_query_is_cut_to_200_characters(site_pages, get_html):
    doc = get_html("/fr/search/", q="vernis " + "x" * 400)
    assert len(doc.select_one("#search-page-q")["value"]) == 200
    assert doc.select_one('[role="status"]') is not None


PUNCTUATION = ['vernis"', '"vernis', 'vernis "jaunis', "l'atelier", "(vernis", "vernis*", "NEAR(a b)", "a:b",
               "vernis\x00jaunis", "-vernis", "^vernis", "<b>vernis</b>", "vernis\tjaunis", '""vernis"""']


def test_punctuation_and_control_characters_never_break_the_search(site_pages, get_html, subtests):
    for query in PUNCTUATION:
        with subtests.test(query=query):
            doc = get_html("/fr/search/", q=query)
            assert doc.select_one('[role="status"]') is not None
    # Nothing left to look for: the page is the empty search form.
    for query in ['"', "\x00", '" "', "\x7f\x1b"]:
        with subtests.test(query=query):
            doc = get_html("/fr/search/", q=query)
            assert doc.select_one('[role="status"]') is None
            assert doc.select_one("#search-page-q")["value"] == ""


def test_a_quoted_phrase_finds_the_article(site_pages, get_html):
    doc = get_html("/fr/search/", q='"vernis jaunis"')
    assert _result_links(doc) == ["/fr/actualites/restauration-retable/"]
