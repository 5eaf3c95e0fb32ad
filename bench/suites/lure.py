"""Lure analysis, two parts (--lure-parts):

speed: `crackdown analyze` (indicator extraction, classification into label,
scam type and stage, JSONL in and out) against the Python `iocextract`
package extracting indicators from the very same bytes, side by side in one
run. iocextract only extracts (URLs, IPs, e-mails, hashes) and does not
classify, so the ratio understates crackdown's lead.

quality: `crackdown eval lure` (5-fold cross-validation on the labelled SMS
sets in ../shared/data, pooled with a generated case, and each set alone)
against scikit-learn classifiers trained and scored on exactly the same folds
(read from `--predictions`): F1 at each model's own threshold, the F1 of the
best threshold chosen in hindsight on the scored folds (a ceiling of the
ranking, not a result) and ROC AUC."""

import json
import os
import random
import resource
import subprocess
import sys


def add_arguments(parser):
    parser.add_argument("--lure-mb", type=float, default=20, help="size of the lure corpus in MB")
    parser.add_argument("--lure-parts", default="speed,quality",
                        help="comma-separated parts of the lure suite to run: speed, quality")


TEMPLATES = [
    "Dear customer your parcel is held, pay the fee at hxxps://post-track[.]top/pay/{n} or call +66 81 {n3} {n4}",
    "Hi dear, my uncle teaches crypto trading, deposit USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t and earn {n}% daily",
    "ok see you at 7, bring the {n} receipts please",
    "WINNER!! claim your prize of £{n} now, text WIN to 8{n4} or visit www.win-{n}.com/claim",
    "โอนเงินเข้าบัญชี 123-4-{n4}-0 เพื่อปลดล็อกการถอนเงิน ติดต่อ Line ID: support{n}",
    "兼职刷单 日结 {n} 元，加微信: job{n}888 或 t.me/job_agent{n}",
    "Your account is locked. Verify at http://secure-login.bank{n}.xyz/verify?id={n} IBAN GB82 WEST 1234 5698 7654 32",
    "meeting moved to room {n}, agenda at intranet.example.org/docs/{n}",
    "Nanalo ka ng P{n}! I-claim sa bit.ly/claim{n} bago mag-expire, email claims{n}@promo-ph[.]com",
    "Pinjaman dana cepat tanpa jaminan, hubungi WA 0812-{n4}-{n3}0 atau 10.{n3}.12.7",
]


def corpus(path, megabytes, seed=11):
    """JSONL lines {"id", "text", "lang"} totalling about `megabytes` MB."""
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written = lines = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            text = rng.choice(TEMPLATES).format(n=rng.randrange(10**5), n3=f"{rng.randrange(1000):03d}",
                                                n4=f"{rng.randrange(10000):04d}")
            line = json.dumps({"id": f"m{lines}", "text": text}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode())
            lines += 1
    return lines


def iocextract_peer(path):
    """The peer: iocextract over each line of the same file, refanging as it goes."""
    import iocextract
    found = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            found += sum(1 for _ in iocextract.extract_iocs(line, refang=True))
    print(found)


def cpu_seconds():
    """User + system CPU seconds of all finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args):
    parts = set(args.lure_parts.split(","))
    if "speed" in parts:
        speed(args)
    if "quality" in parts:
        quality()


def speed(args):
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "iocextract"],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        sys.exit(f"lure: cannot install iocextract: {installed.stderr.strip()[-300:]}")
    os.makedirs(bench.OUT, exist_ok=True)
    path = os.path.join(bench.OUT, f"lure-{args.lure_mb:g}mb.jsonl")
    lines = corpus(path, args.lure_mb)
    size_mb = os.path.getsize(path) / 1e6
    print(f"lure: {lines:,} messages, {size_mb:.1f} MB JSONL (10 templates, 7 scripts, defanged forms)")

    # exec, so the measured process is crackdown itself; output to a file, not a pipe.
    def measure(extra, out):
        before = cpu_seconds()
        wall, rss, _ = bench.median_runs(args.runs, ["sh", "-c", f'exec "$0" analyze {extra} "$1" > "$2"',
                                                     bench.BIN, path, out])
        cpu = (cpu_seconds() - before) / args.runs
        # Counted line by line: a harness holding every result would fork
        # big, and a forked child's peak RSS counts its parent's pages.
        count = found = 0
        with open(out, encoding="utf-8") as analysed:
            for line in analysed:
                result = json.loads(line)
                assert "error" not in result, f"crackdown analyze: {result}"
                count += 1
                found += len(result["indicators"])
        assert count == lines, "crackdown analyze lost lines"
        return wall, rss, cpu, found

    ours, ours_rss, ours_cpu, indicators = measure("", os.path.join(bench.OUT, "lure-analysis.jsonl"))
    only, only_rss, only_cpu, only_indicators = measure("--indicators-only",
                                                        os.path.join(bench.OUT, "lure-indicators.jsonl"))
    assert only_indicators == indicators, "--indicators-only found other indicators than the full analysis"
    before = cpu_seconds()
    peer, peer_rss, found = bench.median_runs(args.runs, [sys.executable, __file__, path])
    peer_cpu = (cpu_seconds() - before) / args.runs
    print(f"  {'crackdown analyze':<36}{ours:7.2f} s  {size_mb / ours:7.1f} MB/s  {lines / ours:>9,.0f} msgs/s  "
          f"{indicators:,} indicators  peak {ours_rss:5.0f} MiB  {ours_cpu:.2f} CPU-s")
    print(f"  {'crackdown analyze --indicators-only':<36}{only:7.2f} s  {size_mb / only:7.1f} MB/s  {lines / only:>9,.0f} msgs/s  "
          f"{only_indicators:,} indicators  peak {only_rss:5.0f} MiB  {only_cpu:.2f} CPU-s")
    print(f"  {'python iocextract (peer)':<36}{peer:7.2f} s  {size_mb / peer:7.1f} MB/s  {lines / peer:>9,.0f} msgs/s  "
          f"{int(found):,} indicators  peak {peer_rss:5.0f} MiB  {peer_cpu:.2f} CPU-s")
    load = os.getloadavg()[0]
    print(f"  ratio extraction (--indicators-only) / iocextract: {peer / only:.1f}x wall, "
          f"{peer_cpu / max(only_cpu, 1e-9):.1f}x CPU (target 50x; load average {load:.1f})")
    print(f"  ratio full analysis / iocextract: {peer / ours:.1f}x wall, {peer_cpu / max(ours_cpu, 1e-9):.1f}x CPU "
          f"(crackdown also classifies)")
    print(f"  classification (extraction + label, type, stage, reasons), {os.cpu_count()} cores: "
          f"{lines / ours:,.0f} msgs/s (target 50,000)")



def quality():
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "scikit-learn"],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        sys.exit(f"lure: cannot install scikit-learn: {installed.stderr.strip()[-300:]}")
    sets = os.path.join(os.path.dirname(bench.ROOT), "shared", "data")
    case = os.path.join(bench.OUT, "lure-case7")
    if not os.path.isdir(case):
        subprocess.run([bench.BIN, "generate", "--out", case, "--seed", "7", "--reports", "3000",
                        "--transactions", "1000"], check=True, capture_output=True)
    generated = generated_reports(case)
    print(f"lure quality: 5-fold cross-validation on {sets}, folds by a hash of the normalized text "
          f"(crackdown eval lure); peers trained and scored on the same folds")
    for setting, flags in [("pooled, + generated", ["--train-case", case]), ("own set", ["--own-set"])]:
        path = os.path.join(bench.OUT, f"lure-predictions-{flags[0].strip('-')}.jsonl")
        subprocess.run([bench.BIN, "eval", "lure", sets, *flags, "--predictions", path], check=True,
                       capture_output=True)
        rows = [json.loads(line) for line in open(path, encoding="utf-8")]
        for set_name in sorted({row["set"] for row in rows}):
            scored = [row for row in rows if row["set"] == set_name]
            truth = [row["truth"] != "ham" for row in scored]
            print(f"  {set_name}, {setting} ({len(scored):,} messages, {sum(truth)} unwanted):")
            ours = quality_line("crackdown (shipped recipe)", truth, [row["unwanted"] for row in scored],
                                [row["label"] != "ham" for row in scored])
            misses = {index for index, (wanted, said) in enumerate(zip(truth, ours)) if wanted != said}
            others = [row for row in rows if row["set"] != set_name] if setting.startswith("pooled") else []
            extra = generated if setting.startswith("pooled") else []
            for name, peer in PEERS:
                scores = [0.0] * len(scored)
                for fold in sorted({row["fold"] for row in scored}):
                    train = [row for row in scored if row["fold"] != fold] + others
                    texts = [row["text"] for row in train] + extra
                    labels = [row["truth"] != "ham" for row in train] + [True] * len(extra)
                    held = [index for index, row in enumerate(scored) if row["fold"] == fold]
                    for index, score in zip(held, peer(texts, labels, [scored[i]["text"] for i in held])):
                        scores[index] = score
                said = quality_line(name, truth, scores, [score >= 0.0 for score in scores])
                if peer is tfidf_svm:
                    misses &= {index for index, (wanted, guess) in enumerate(zip(truth, said)) if wanted != guess}
            shared = os.path.join(bench.OUT, f"lure-shared-misses-{set_name}-{flags[0].strip('-')}.jsonl")
            with open(shared, "w", encoding="utf-8") as out:
                for index in sorted(misses):
                    out.write(json.dumps(scored[index], ensure_ascii=False) + "\n")
            wrong = len(misses)
            print(f"    missed by crackdown and the LinearSVC alike: {wrong} "
                  f"({sum(truth[i] for i in misses)} unwanted, {sum(not truth[i] for i in misses)} wanted), "
                  f"listed in {os.path.relpath(shared, bench.ROOT)}")


def generated_reports(case):
    """The texts of a generated case's reports that its truth lists (as `eval lure --train-case`)."""
    with open(os.path.join(case, "truth", "campaigns.csv"), encoding="utf-8") as truth:
        ids = {line.split(",", 1)[0] for line in list(truth)[1:]}
    with open(os.path.join(case, "reports.jsonl"), encoding="utf-8") as reports:
        return [report["text"] for report in map(json.loads, reports) if report["id"] in ids]


def quality_line(name, truth, scores, predicted):
    """Prints a model's figures from its scores and its own decisions; returns the decisions."""
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
    best = max(f1_score(truth, [score >= cut for score in scores]) for cut in sorted(set(scores)))
    print(f"    {name:<44} P {precision_score(truth, predicted):.4f}  R {recall_score(truth, predicted):.4f}  "
          f"F1 {f1_score(truth, predicted):.4f}  (best cut in hindsight {best:.4f}, "
          f"ROC AUC {roc_auc_score(truth, scores):.4f})")
    return predicted


def tfidf_svm(texts, labels, held):
    """The classic strong baseline for SMS spam: a linear SVM over tf-idf
    character 1–5-grams (within words) and words 1–2, classes balanced."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    train = hstack([chars.fit_transform(texts), words.fit_transform(texts)]).tocsr()
    test = hstack([chars.transform(held), words.transform(held)]).tocsr()
    return LinearSVC(C=3, class_weight="balanced").fit(train, labels).decision_function(test)


def naive_bayes(texts, labels, held):
    """Multinomial naive Bayes over word 1–2-gram counts (the data set's paper's best family)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    counts = CountVectorizer(ngram_range=(1, 2))
    model = MultinomialNB(alpha=0.1).fit(counts.fit_transform(texts), labels)
    log_odds = model.predict_log_proba(counts.transform(held))
    return log_odds[:, 1] - log_odds[:, 0]


PEERS = [("scikit-learn LinearSVC, tf-idf chars+words", tfidf_svm),
         ("scikit-learn MultinomialNB, word counts", naive_bayes)]


if __name__ == "__main__":
    iocextract_peer(sys.argv[1])
