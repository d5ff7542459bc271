"""schema.org JSON-LD for the book's pages: each page a ScholarlyArticle based on the review; the data page
also a Dataset with its CSV files. Serialised with jinja2's htmlsafe_json_dumps, so no value (a title,
a description from the data package) can close the script element or inject markup."""

from __future__ import annotations

from pathlib import Path

import yaml
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def review_reference(citation_file: Path) -> dict:
    """The reviewed article (the first entry of CITATION.cff's `references`) as a schema.org ScholarlyArticle."""
    citation = yaml.safe_load(citation_file.read_text(encoding="utf-8"))
    article = (citation.get("references") or [{}])[0]
    node = {"@type": "ScholarlyArticle", "name": article.get("title")}
    if article.get("doi"):
        node["@id"] = node["url"] = f"https://doi.org/{article['doi']}"
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": article["doi"]}
    node["author"] = [{"@type": "Person", "familyName": a.get("family-names"), "givenName": a.get("given-names")}
                      for a in article.get("authors", [])]
    if article.get("year"):
        node["datePublished"] = str(article["year"])
    if article.get("journal"):
        node["isPartOf"] = {"@type": "Periodical", "name": article["journal"]}
    if article.get("languages"):
        node["inLanguage"] = article["languages"][0]
    return node


def scholarly_article(*, headline: str, book: str, author: str, version: str, date_modified: str | None,
                      date_published: str | None, based_on: dict, pdf_url: str | None = None,
                      in_language: str = "en") -> dict:
    article = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": headline,
        "name": headline,
        "version": version,
        "isPartOf": {"@type": "Book", "name": book, "version": version},
        "author": {"@type": "Organization", "name": author},
        "isBasedOn": based_on,
        "license": LICENSE_URL,
        "inLanguage": in_language,
    }
    if date_modified:
        article["dateModified"] = date_modified
    if date_published:
        article["datePublished"] = date_published
    if pdf_url:
        article["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": pdf_url}
    return article


def dataset(*, descriptor: dict, version: str, date_modified: str | None, author: str, based_on: dict,
            url_for) -> dict:
    """The data package as a schema.org Dataset; ``url_for(path)`` gives the URL of a file in data/."""
    distribution = [{"@type": "DataDownload", "name": r.get("title") or r["name"], "encodingFormat": "text/csv",
                     "contentUrl": url_for(r["path"])}
                    for r in descriptor.get("resources", []) if r.get("path")]
    distribution.append({"@type": "DataDownload", "name": "Data package descriptor (Frictionless)",
                         "encodingFormat": "application/json", "contentUrl": url_for("datapackage.json")})
    node = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": descriptor.get("title") or descriptor.get("name"),
        "description": descriptor.get("description", ""),
        "version": version,
        "creator": {"@type": "Organization", "name": author},
        "license": LICENSE_URL,
        "isBasedOn": based_on,
        "distribution": distribution,
    }
    if date_modified:
        node["dateModified"] = date_modified
    return node


def script(data: dict) -> Markup:
    """A <script type="application/ld+json"> element, safe to put in an HTML page."""
    return Markup('<script type="application/ld+json">') + htmlsafe_json_dumps(data) + Markup("</script>\n")
