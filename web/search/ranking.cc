#include "web/search/ranking.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <set>
#include <utility>

namespace mrc::web::ranking {

Xapian::termcount Impact(Xapian::termcount tf, Xapian::termcount words) {
  constexpr double k1 = 1, b = 0.5, kReferenceWords = 120;
  double norm = std::max(0.5, static_cast<double>(words) / kReferenceWords);
  double impact = kImpactOfOneWord * (k1 + 1) * tf / (k1 * (1 - b + b * norm) + tf);
  return std::max<Xapian::termcount>(1, static_cast<Xapian::termcount>(std::lround(impact)));
}

bool IsWordTerm(const std::string& term) {
  return !term.empty() && (term[0] == 'Z' || !std::isupper(static_cast<unsigned char>(term[0])));
}

void StoreImpacts(Xapian::Document& doc) {
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  Xapian::termcount length = 0;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    std::string term = *t;
    if (!IsWordTerm(term)) continue;
    length += t.get_wdf();  // each word is one term: its stem, or itself
    words.emplace_back(std::move(term), t.get_wdf());
  }
  for (const auto& [term, tf] : words) {
    doc.remove_term(term);
    doc.add_term(term, Impact(tf, length));
  }
}

double Idf(double docs_with_word, double docs) {
  double ratio = (docs - docs_with_word + 0.5) / (docs_with_word + 0.5);
  if (ratio < 2) ratio = ratio * 0.5 + 1;
  return std::log(ratio);
}

double LanguageIdf(Xapian::doccount docs_with_word, Xapian::doccount language_docs) {
  double with_word = std::min(docs_with_word, language_docs);
  return Idf(with_word + 1, static_cast<double>(language_docs) + 16);
}

Xapian::doccount TermFreqs::operator()(const std::string& term) {
  if (auto it = known_.find(term); it != known_.end()) return it->second;
  if (known_.size() >= kMaxTerms) known_.clear();
  Xapian::doccount n = db_->get_termfreq(term);
  known_.emplace(term, n);
  return n;
}

// ---- ImpactWeight ----

ImpactWeight::ImpactWeight() {
  need_stat(COLLECTION_SIZE);
  need_stat(TERMFREQ);
  need_stat(WDF);
  need_stat(WDF_MAX);
  need_stat(WQF);
}

ImpactWeight* ImpactWeight::clone() const { return new ImpactWeight; }

std::string ImpactWeight::name() const { return "mrc::ImpactWeight"; }

void ImpactWeight::init(double factor) {
  double wqf = get_wqf();
  per_impact_ = factor * Idf(get_termfreq(), get_collection_size()) * (2 * wqf) / (1 + wqf);
}

double ImpactWeight::get_sumpart(Xapian::termcount wdf, Xapian::termcount,
                                 Xapian::termcount) const {
  return wdf * per_impact_;
}

double ImpactWeight::get_maxpart() const { return get_wdf_upper_bound() * per_impact_; }

double ImpactWeight::get_sumextra(Xapian::termcount, Xapian::termcount) const { return 0; }

double ImpactWeight::get_maxextra() const { return 0; }

// ---- CommonWords ----

namespace {

// One occurrence of a common word in a query, weighed as ImpactWeight
// weighs it. Query terms from the parser have wqf 1, for which BM25's
// query-frequency factor is 1 (a word given twice is two terms, each
// weighed in full, here as there).
class ImpactSource : public Xapian::PostingSource {
 public:
  // `scale` as OP_SCALE_WEIGHT's factor: ImpactWeight multiplies it with
  // the idf before the impact, and so does this, so that both give the
  // same weight to the last digit.
  // `lead`: the documents of a rarer word every match also holds (or
  // null): those Xapian will ask about.
  ImpactSource(std::shared_ptr<const WordImpacts> word, double scale,
               std::shared_ptr<const WordPostings> lead = nullptr)
      : word_(std::move(word)), scale_(scale), lead_(std::move(lead)) {}

  void init(const Xapian::Database& db) override {
    at_ = 0;
    per_impact_ = scale_ * Idf(word_->documents, db.get_doccount());
    set_maxweight(word_->bound * per_impact_);
    Prefetch();
  }
  Xapian::doccount get_termfreq_min() const override { return word_->documents; }
  Xapian::doccount get_termfreq_est() const override { return word_->documents; }
  Xapian::doccount get_termfreq_max() const override { return word_->documents; }
  double get_weight() const override { return word_->impact[at_] * per_impact_; }
  Xapian::docid get_docid() const override { return at_; }
  void next(double) override {
    ++at_;
    Settle();
  }
  void skip_to(Xapian::docid did, double) override {
    if (did <= at_) return;
    at_ = did;
    Settle();
  }
  bool check(Xapian::docid did, double w_min) override {
    // As skip_to: always on a definite position. Xapian 1.4's OR of two
    // postings, after a child answered "not here" (false), reads that
    // child's last definite position and steps back to it, which loses
    // matches. The skip costs little: a common word's matches are dense.
    skip_to(did, w_min);
    return true;
  }
  bool at_end() const override { return at_ >= word_->impact.size(); }
  ImpactSource* clone() const override { return new ImpactSource(word_, scale_, lead_); }
  std::string name() const override { return "mrc::ImpactSource"; }

 private:
  // Xapian asks about the documents of the rarer word one at a time, and
  // each read of this word's impact for one of them would miss the
  // processor's caches (a line of 64 bytes per document asked; the arrays
  // of a query's words are 100 KB each at 100,000 documents). Their lines
  // are fetched into the cache all together first.
  void Prefetch() {
    if (!lead_) return;
    const auto& impact = word_->impact;
    for (Xapian::docid did : lead_->docids) {
      if (did < impact.size()) __builtin_prefetch(impact.data() + did);
    }
  }

  // On the first document from at_ that holds the word, or at the end;
  // eight documents at a time across runs without it.
  void Settle() {
    const auto& impact = word_->impact;
    const std::size_t size = impact.size();
    while (at_ < size && impact[at_] == 0) {
      ++at_;
      while (at_ + 8 <= size) {
        std::uint64_t eight;
        std::memcpy(&eight, impact.data() + at_, 8);
        if (eight != 0) break;
        at_ += 8;
      }
    }
  }

  std::shared_ptr<const WordImpacts> word_;
  double scale_;
  std::shared_ptr<const WordPostings> lead_;
  double per_impact_ = 0;
  Xapian::docid at_ = 0;
};

// A rare word's postings read once for a query, weighed as ImpactWeight
// weighs them (as ImpactSource does a common word's): Xapian would read
// the list again where this serves it from memory.
class ListSource : public Xapian::PostingSource {
 public:
  ListSource(std::shared_ptr<const WordPostings> word, double scale)
      : word_(std::move(word)), scale_(scale) {}

  void init(const Xapian::Database& db) override {
    at_ = kBefore;
    per_impact_ = scale_ * Idf(word_->termfreq, db.get_doccount());
    // As loose as a posting list's bound (see WordImpacts::bound).
    set_maxweight(std::max<Xapian::termcount>(1, word_->collection_freq) * per_impact_);
  }
  Xapian::doccount get_termfreq_min() const override { return word_->docids.size(); }
  Xapian::doccount get_termfreq_est() const override { return word_->docids.size(); }
  Xapian::doccount get_termfreq_max() const override { return word_->docids.size(); }
  double get_weight() const override { return word_->impacts[at_] * per_impact_; }
  Xapian::docid get_docid() const override { return word_->docids[at_]; }
  void next(double) override { at_ = at_ == kBefore ? 0 : at_ + 1; }
  void skip_to(Xapian::docid did, double) override {
    const auto& ids = word_->docids;
    std::size_t from = at_ == kBefore ? 0 : at_;
    if (from < ids.size() && ids[from] >= did) {
      at_ = from;
      return;
    }
    at_ = std::lower_bound(ids.begin() + std::min(from, ids.size()), ids.end(), did) - ids.begin();
  }
  bool check(Xapian::docid did, double w_min) override {
    skip_to(did, w_min);  // always on a definite position, as ImpactSource::check
    return true;
  }
  bool at_end() const override { return at_ != kBefore && at_ >= word_->docids.size(); }
  ListSource* clone() const override { return new ListSource(word_, scale_); }
  std::string name() const override { return "mrc::ListSource"; }
  std::string get_description() const override { return "mrc::ListSource"; }

 private:
  static constexpr std::size_t kBefore = SIZE_MAX;
  std::shared_ptr<const WordPostings> word_;
  double scale_;
  double per_impact_ = 0;
  std::size_t at_ = kBefore;
};

// Matches every document id, each with the same weight: a child of an
// AND, which asks it only about the documents the other children match
// (check(), or skip_to() when it leads). Its bound is twice its weight,
// loose as a posting list's (see WordImpacts::bound).
class ConstantSource : public Xapian::PostingSource {
 public:
  explicit ConstantSource(double weight) : weight_(weight) {}

  void init(const Xapian::Database& db) override {
    at_ = 0;
    documents_ = db.get_doccount();
    last_ = db.get_lastdocid();
    set_maxweight(2 * weight_);
  }
  Xapian::doccount get_termfreq_min() const override { return documents_; }
  Xapian::doccount get_termfreq_est() const override { return documents_; }
  Xapian::doccount get_termfreq_max() const override { return documents_; }
  double get_weight() const override { return weight_; }
  Xapian::docid get_docid() const override { return at_; }
  void next(double) override { ++at_; }
  void skip_to(Xapian::docid did, double) override { at_ = std::max(at_, did); }
  bool check(Xapian::docid did, double w_min) override {
    skip_to(did, w_min);
    return true;
  }
  bool at_end() const override { return at_ > last_; }
  ConstantSource* clone() const override { return new ConstantSource(weight_); }
  std::string name() const override { return "mrc::ConstantSource"; }

 private:
  double weight_;
  Xapian::doccount documents_ = 0;
  Xapian::docid last_ = 0;
  Xapian::docid at_ = 0;
};

}  // namespace

Xapian::Query WithWeightAdded(const Xapian::Query& query, double weight) {
  auto source = std::make_unique<ConstantSource>(weight);
  return Xapian::Query(Xapian::Query::OP_AND, query, Xapian::Query(source.release()->release()));
}

namespace {

// The term of a query of one term, else "".
std::string LeafTerm(const Xapian::Query& q) {
  if (q.get_type() != Xapian::Query::LEAF_TERM || q.get_terms_begin() == q.get_terms_end())
    return {};
  return *q.get_terms_begin();
}

}  // namespace

double CommonWords::Plan::ScaleOf(const std::string& term) const {
  auto found = scale.find(term);
  return found == scale.end() ? 1.0 : found->second;
}

std::shared_ptr<const WordPostings> CommonWords::Postings(const Xapian::Database& db,
                                                          const std::string& term,
                                                          Xapian::doccount termfreq) {
  auto word = std::make_shared<WordPostings>();
  word->termfreq = termfreq;
  word->docids.reserve(termfreq);
  word->impacts.reserve(termfreq);
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    word->docids.push_back(*p);
    word->impacts.push_back(p.get_wdf());
    word->collection_freq += p.get_wdf();
  }
  return word;
}

void CommonWords::SetMinDocuments(Xapian::doccount n) {
  std::lock_guard lock(mu_);
  min_documents_ = n;
}

Xapian::doccount CommonWords::MinDocuments(const Xapian::Database& db) {
  std::lock_guard lock(mu_);
  return std::max<Xapian::doccount>({min_documents_, db.get_doccount() / 16, 1});
}

Xapian::Query CommonWords::Rewrite(const Xapian::Database& db, const Xapian::Query& query,
                                   Xapian::doccount language_docs, TermFreqs* freqs) {
  Xapian::doccount min = MinDocuments(db);
  const double docs = db.get_doccount();
  // The commonest words first, and at most kMaxWordsPerQuery of them, so
  // that a long query pins a bounded number of arrays.
  Plan plan;
  std::vector<std::pair<Xapian::doccount, std::string>> common;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    if (!IsWordTerm(*t)) continue;
    Xapian::doccount n = freqs ? (*freqs)(*t) : db.get_termfreq(*t);
    if (n >= min) common.emplace_back(n, *t);
    plan.freq[*t] = n;
    if (language_docs > 0 && n > 0) plan.scale[*t] = LanguageIdf(n, language_docs) / Idf(n, docs);
  }
  std::sort(common.rbegin(), common.rend());
  if (common.size() > kMaxWordsPerQuery) common.resize(kMaxWordsPerQuery);
  for (auto& [n, term] : common) plan.common.insert(std::move(term));
  return RewriteNode(db, query, plan);
}

Xapian::Query CommonWords::RewriteNode(const Xapian::Database& db, const Xapian::Query& query,
                                       const Plan& plan,
                                       const std::shared_ptr<const WordPostings>& lead) {
  switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      if (query.get_terms_begin() == query.get_terms_end()) return query;
      std::string term = *query.get_terms_begin();
      double scale = plan.ScaleOf(term);
      if (plan.common.count(term)) {
        auto source = std::make_unique<ImpactSource>(Impacts(db, term), scale, lead);
        return Xapian::Query(source.release()->release());
      }
      if (scale == 1.0) return query;
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query, scale);
    }
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR: {
      std::vector<Xapian::Query> parts;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
        parts.push_back(RewriteNode(db, query.get_subquery(i), plan));
      return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    }
    case Xapian::Query::OP_AND: {
      // The rarest word of the AND that is read from its posting list,
      // when rare enough, is read once into memory: Xapian asks the
      // common words' sources about its documents, whose impacts they
      // fetch into the cache beforehand.
      std::string rarest;
      Xapian::doccount fewest = UINT32_MAX;
      bool common = false;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        std::string term = LeafTerm(query.get_subquery(i));
        auto freq = plan.freq.find(term);
        if (freq == plan.freq.end()) continue;
        if (plan.common.count(term)) {
          common = true;
        } else if (freq->second < fewest) {
          fewest = freq->second;
          rarest = term;
        }
      }
      std::shared_ptr<const WordPostings> lead;
      if (common && !rarest.empty() && fewest <= kMaxListed) lead = Postings(db, rarest, fewest);
      std::vector<Xapian::Query> parts;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        Xapian::Query part = query.get_subquery(i);
        if (lead && LeafTerm(part) == rarest) {
          auto source = std::make_unique<ListSource>(lead, plan.ScaleOf(rarest));
          parts.emplace_back(source.release()->release());
        } else {
          parts.push_back(RewriteNode(db, part, plan, lead));
        }
      }
      return Xapian::Query(query.get_type(), parts.begin(), parts.end());
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER: {
      std::vector<Xapian::Query> parts;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
        parts.push_back(RewriteNode(db, query.get_subquery(i), plan));
      return Xapian::Query(query.get_type(), parts.begin(), parts.end());
    }
    default:
      return query;
  }
}

std::shared_ptr<const WordImpacts> CommonWords::Impacts(const Xapian::Database& db,
                                                        const std::string& term) {
  Xapian::rev revision = db.get_revision();
  {
    std::lock_guard lock(mu_);
    auto it = words_.find(term);
    if (it != words_.end() && it->second.impacts->revision == revision) {
      it->second.last_use = ++uses_;
      return it->second.impacts;
    }
  }
  // One build at a time, outside the lock on the kept words (lookups go
  // on): a query that needs a word another is building waits for it and
  // takes it, rather than decoding the same list again.
  std::lock_guard building(build_mu_);
  {
    std::lock_guard lock(mu_);
    auto it = words_.find(term);
    if (it != words_.end() && it->second.impacts->revision == revision) {
      it->second.last_use = ++uses_;
      return it->second.impacts;
    }
  }
  auto word = std::make_shared<WordImpacts>();
  word->revision = revision;
  word->impact.assign(static_cast<std::size_t>(db.get_lastdocid()) + 1, 0);
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    if (*p >= word->impact.size()) continue;
    auto impact = std::clamp<Xapian::termcount>(p.get_wdf(), 1, 255);
    word->impact[*p] = static_cast<std::uint8_t>(impact);
    ++word->documents;
  }
  // At least every impact: the collection frequency is their sum.
  word->bound = std::max<Xapian::termcount>(1, db.get_collection_freq(term));
  std::lock_guard lock(mu_);
  auto it = words_.find(term);
  if (it != words_.end()) {
    // Readers of an older revision of the index may still build: the
    // newest arrays are kept.
    if (it->second.impacts->revision <= revision) it->second.impacts = word;
    it->second.last_use = ++uses_;
    return word;
  }
  if (words_.size() >= kMaxWords) {
    auto oldest = std::min_element(words_.begin(), words_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    });
    words_.erase(oldest);
  }
  words_[term] = Kept{word, ++uses_};
  return word;
}

}  // namespace mrc::web::ranking
