"""Prioritised screening: rank the records awaiting a title/abstract decision by likely relevance, as ASReview
LAB does by default (TF-IDF features, a naive Bayes classifier), learning from the decisions already made and
from the works the book cites. scikit-learn is imported here only: nothing in the book's build needs it.

- rank(): the pending queue, most likely relevant first, each with a suggested priority;
- simulate(): how well the ranking would have screened a batch whose answers are known (recall after N
  records screened), the way ASReview's simulation mode measures it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from reviewkit.model import bibliography
from reviewkit.model.problems import Problem
from reviewkit.screening import check as screening_check
from reviewkit.watch import log_tables

# ASReview LAB's default naive Bayes smoothing (asreview.models.classifiers.NaiveBayesClassifier, alpha=3.822).
ALPHA = 3.822
PRIORITIES = ((0.2, "high"), (0.5, "medium"), (1.0, "low"))  # by rank: the first fifth high, ...


class RankError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class Ranked:
    record_id: str
    title: str
    abstract: str
    score: float
    priority: str
    row: dict


def _model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB

    return TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1), MultinomialNB(alpha=ALPHA)


def cited_texts() -> list[str]:
    """Titles (and abstracts where the entry has one) of the works the book cites: relevant by definition."""
    texts = []
    for entry in bibliography.parse().entries:
        fields = entry.fields_dict
        text = " ".join(str(fields[name].value) for name in ("title", "abstract") if name in fields)
        if text.strip():
            texts.append(text.replace("{", "").replace("}", ""))
    return texts


def training_set() -> tuple[list[str], list[int], list[dict]]:
    """(texts, labels, pending rows): every record decided on title and abstract (1 include, 0 exclude), the
    cited works (1), and the records still awaiting a title/abstract decision."""
    log, _, found = screening_check.load()
    _, abstract_rows = log_tables.read("abstracts")
    abstracts = {row["record_id"]: row["text"] for row in abstract_rows}
    texts, labels, pending = [], [], []
    for _, row in log:
        text = f"{row.get('title', '')} {abstracts.get(row['record_id'], '')}"
        stage = found[row["record_id"]].stages["title_abstract"]
        if stage.decided:
            texts.append(text)
            labels.append(1 if stage.state == "include" else 0)
        else:
            pending.append({**row, "abstract": abstracts.get(row["record_id"], "")})
    for text in cited_texts():
        texts.append(text)
        labels.append(1)
    return texts, labels, pending


def rank() -> list[Ranked]:
    """The records awaiting a title/abstract decision, most likely relevant first."""
    texts, labels, pending = training_set()
    file = screening_check._table(screening_check.DECISIONS)[0]
    if 0 not in labels:
        raise RankError([Problem(file, None, "decision", "no record has been excluded yet, so the ranking has "
                                 "nothing to learn irrelevance from",
                                 "screen a few records first (an exclusion on title and abstract, with its reason), "
                                 "then rank the rest")])
    if not pending:
        return []
    vectorizer, classifier = _model()
    features = vectorizer.fit_transform(texts + [f"{r['title']} {r['abstract']}" for r in pending])
    classifier.fit(features[:len(texts)], labels)
    scores = classifier.predict_proba(features[len(texts):])[:, list(classifier.classes_).index(1)]
    order = sorted(range(len(pending)), key=lambda i: (-scores[i], pending[i]["record_id"]))
    ranked = []
    for position, index in enumerate(order):
        share = (position + 1) / len(order)
        priority = next(word for limit, word in PRIORITIES if share <= limit)
        row = pending[index]
        ranked.append(Ranked(row["record_id"], row.get("title", ""), row["abstract"], float(scores[index]),
                             priority, row))
    return ranked


def simulate(relevant: list[str], irrelevant: list[str], prior_relevant: list[str], seed: int = 22) -> list[int]:
    """ASReview-style simulation: with ``prior_relevant`` texts and one randomly drawn irrelevant record as
    prior knowledge, screen the batch (``relevant`` + ``irrelevant``) one record at a time, always the one the
    model ranks highest, retraining after each. Returns the 1-based positions at which each relevant record
    was screened, sorted."""
    rng = random.Random(seed)
    batch = [(text, 1) for text in relevant] + [(text, 0) for text in irrelevant]
    rng.shuffle(batch)
    prior_negative = next(i for i, (_, label) in enumerate(batch) if label == 0)
    vectorizer, classifier = _model()
    features = vectorizer.fit_transform(prior_relevant + [text for text, _ in batch])
    known_rows = list(range(len(prior_relevant))) + [len(prior_relevant) + prior_negative]
    known_labels = [1] * len(prior_relevant) + [0]
    unseen = [i for i in range(len(batch)) if i != prior_negative]
    found, position = [], 0
    while unseen:
        classifier.fit(features[known_rows], known_labels)
        scores = classifier.predict_proba(features[[len(prior_relevant) + i for i in unseen]])[:, 1]
        best = max(range(len(unseen)), key=lambda k: (scores[k], -unseen[k]))
        chosen = unseen.pop(best)
        position += 1
        if batch[chosen][1]:
            found.append(position)
        known_rows.append(len(prior_relevant) + chosen)
        known_labels.append(batch[chosen][1])
    return found


def recall_at(found: list[int], total: int, n: int) -> float:
    return sum(1 for position in found if position <= n) / total if total else 0.0


# Made-up irrelevant candidates for the simulation: what a broad search of this field also returns (other
# treatments of cancer, other diseases), with words the relevant records share (cells, phase, trial, tumours).
_TOPICS = ("adjuvant chemotherapy", "stereotactic radiotherapy", "PD-1 inhibitor monotherapy", "statin use",
           "metformin", "laparoscopic resection", "aspirin", "exercise training", "dietary fibre", "smoking cessation",
           "HER2-targeted antibody-drug conjugate", "proton pump inhibitors", "mindfulness therapy", "hypofractionation")
_CONDITIONS = ("type 2 diabetes", "heart failure", "colorectal cancer", "early breast cancer", "asthma", "chronic kidney "
               "disease", "prostate cancer", "rheumatoid arthritis", "hepatocellular carcinoma", "COPD", "sepsis",
               "glioma surveillance imaging")
_DESIGNS = ("a randomised phase III trial", "a retrospective cohort study", "a meta-analysis", "a phase II trial",
            "a population-based registry study", "a cost-effectiveness analysis")
_FINDINGS = ("Overall survival and adverse events were compared between arms.", "Circulating tumour cells were counted "
             "at baseline.", "Quality of life improved in the intervention group.", "Hazard ratios were estimated with "
             "Cox models.", "Stem cells and peripheral blood counts were monitored during follow-up.")


def made_up_irrelevant(n: int, seed: int = 22) -> list[str]:
    """``n`` made-up title-and-abstract texts of records that do not belong in the review."""
    rng = random.Random(seed)
    return [f"{rng.choice(_TOPICS).capitalize()} in {rng.choice(_CONDITIONS)}: {rng.choice(_DESIGNS)}. "
            f"{rng.choice(_FINDINGS)} {rng.choice(_FINDINGS)}" for _ in range(n)]
