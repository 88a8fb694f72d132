// Content rules per document kind, as a table of fields: each field has a
// shape (text, markdown, list of text, date, ...), whether it is required,
// and for some shapes an allowed set or a length limit.
#include "sync/content/content.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "sync/trust/trust.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

}  // namespace

const std::vector<ContentField>& ContentFields(Kind kind) {
  static const std::vector<ContentField> kFaq = {
      {"question", FieldShape::kText, true},      {"answer", FieldShape::kMarkdown, true},
      {"language", FieldShape::kLanguage, true},  {"categories", FieldShape::kSlugList, false},
      {"tags", FieldShape::kTextList, false},     {"translation_group", FieldShape::kSlug, false},
      {"verified_on", FieldShape::kDate, false},  {"verified_by", FieldShape::kText, false},
      {"review_due", FieldShape::kDate, false},   {"edited_by", FieldShape::kText, false},
      {"translation_of", FieldShape::kId, false}, {"source_version", FieldShape::kId, false}};
  static const std::vector<ContentField> kGuide = {
      {"country", FieldShape::kCountry, true},     {"topic", FieldShape::kTopic, false},
      {"section", FieldShape::kText, false},       {"language", FieldShape::kLanguage, true},
      {"body", FieldShape::kMarkdown, true},       {"sources", FieldShape::kTextList, false},
      {"verified_on", FieldShape::kDate, false},   {"verified_by", FieldShape::kText, false},
      {"review_due", FieldShape::kDate, false},    {"translation_group", FieldShape::kSlug, false},
      {"authoritative", FieldShape::kBool, false}, {"edited_by", FieldShape::kText, false},
      {"translation_of", FieldShape::kId, false},  {"source_version", FieldShape::kId, false}};
  static const std::vector<ContentField> kBulletin = {
      {"title", FieldShape::kText, true},         {"summary", FieldShape::kMarkdown, false},
      {"body", FieldShape::kMarkdown, true},      {"countries", FieldShape::kCountryList, false},
      {"topics", FieldShape::kTopicList, false},  {"effective_date", FieldShape::kDate, true},
      {"urgency", FieldShape::kUrgency, true},    {"language", FieldShape::kLanguage, true},
      {"supersedes", FieldShape::kIdList, false}, {"guide_sections", FieldShape::kIdList, false},
      {"edited_by", FieldShape::kText, false},    {"translation_of", FieldShape::kId, false},
      {"source_version", FieldShape::kId, false}};
  static const std::vector<ContentField> kCentre = {
      {"name", FieldShape::kText, true},          {"location", FieldShape::kLocation, true},
      {"contact", FieldShape::kContact, false},   {"languages", FieldShape::kTextList, false},
      {"services", FieldShape::kTextList, false}, {"hours", FieldShape::kText, false},
      {"verified_on", FieldShape::kDate, false},  {"verified_by", FieldShape::kText, false},
      {"review_due", FieldShape::kDate, false},   {"edited_by", FieldShape::kText, false}};
  switch (kind) {
    case Kind::kFaq:
      return kFaq;
    case Kind::kGuide:
      return kGuide;
    case Kind::kBulletin:
      return kBulletin;
    case Kind::kCentre:
      return kCentre;
    case Kind::kMember:
    case Kind::kReceipt:
    case Kind::kReferral:
    case Kind::kReport:
    case Kind::kSetting:
      break;
  }
  static const std::vector<ContentField> kNone;
  return kNone;
}

const std::vector<ContentField>& ObjectFields(FieldShape shape) {
  static const std::vector<ContentField> kLocation = {{"address", FieldShape::kText, false},
                                                      {"city", FieldShape::kText, true},
                                                      {"country", FieldShape::kCountry, true},
                                                      {"lat", FieldShape::kLatitude, false},
                                                      {"lon", FieldShape::kLongitude, false}};
  static const std::vector<ContentField> kContact = {{"phone", FieldShape::kText, false},
                                                     {"email", FieldShape::kText, false},
                                                     {"website", FieldShape::kText, false}};
  static const std::vector<ContentField> kNone;
  if (shape == FieldShape::kLocation) return kLocation;
  if (shape == FieldShape::kContact) return kContact;
  return kNone;
}

namespace {

Status Bad(std::string_view field, std::string_view why) {
  return Status::InvalidArgument("content." + std::string(field) + ": " + std::string(why));
}

bool IsSlug(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsLanguage(const std::string& s) {
  // A pragmatic subset of BCP 47: a 2-3 letter lowercase primary tag, then
  // optional subtags of 2-8 letters or digits.
  std::size_t i = 0;
  while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    std::size_t start = ++i;
    while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i - start < 2 || i - start > 8) return false;
  }
  return true;
}

bool IsCountry(const std::string& s) { return IsCountryCode(s); }

}  // namespace

bool IsCountryCode(std::string_view s) {
  static constexpr std::string_view kCodes =
      "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
      "BR "
      "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO "
      "DZ "
      "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU "
      "GW "
      "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW "
      "KY "
      "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU "
      "MV "
      "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW "
      "PY "
      "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
      "TG "
      "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT "
      "ZA "
      "ZM ZW";
  if (s.size() != 2 || !std::isupper(static_cast<unsigned char>(s[0])) ||
      !std::isupper(static_cast<unsigned char>(s[1]))) {
    return false;
  }
  for (std::size_t i = 0; i + 2 <= kCodes.size(); i += 3) {
    if (kCodes.substr(i, 2) == s) return true;
  }
  return false;
}

namespace {

bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2)),
      day = std::stoi(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool IsDocId(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsTopic(const std::string& s) {
  const auto& topics = GuideTopics();
  return std::find(topics.begin(), topics.end(), s) != topics.end();
}

// Text is printed into pages, feeds and terminals: no control characters
// but tab and newline.
Status CheckPlain(std::string_view field, const std::string& s) {
  if (auto problem = ControlCharProblem(s)) return Bad(field, *problem);
  return Status::Ok();
}

Status CheckText(std::string_view field, const json& v, std::size_t max_bytes) {
  if (!v.is_string()) return Bad(field, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty()) return Bad(field, "must not be empty");
  if (s.size() > max_bytes)
    return Bad(field, "longer than " + std::to_string(max_bytes) + " bytes");
  return CheckPlain(field, s);
}

template <typename Pred>
Status CheckList(std::string_view field, const json& v, Pred ok_item, std::string_view what) {
  if (!v.is_array()) return Bad(field, "must be a list");
  if (v.size() > 64) return Bad(field, "more than 64 items");
  for (const auto& item : v) {
    if (!item.is_string() || !ok_item(item.get_ref<const std::string&>())) {
      return Bad(field, "every item must be " + std::string(what));
    }
  }
  return Status::Ok();
}

Status CheckObject(const ContentField& f, const json& v);

Status CheckField(const ContentField& f, const json& v) {
  auto text = [](const std::string& s) { return !s.empty() && s.size() <= 500; };
  switch (f.shape) {
    case FieldShape::kText:
      return CheckText(f.name, v, 500);
    case FieldShape::kMarkdown:
      return CheckText(f.name, v, 256 * 1024);
    case FieldShape::kTextList:
      MRC_RETURN_IF_ERROR(CheckList(f.name, v, text, "a non-empty string"));
      for (const auto& item : v)
        MRC_RETURN_IF_ERROR(CheckPlain(f.name, item.get_ref<const std::string&>()));
      return Status::Ok();
    case FieldShape::kSlugList:
      return CheckList(f.name, v, IsSlug, "a lowercase slug [a-z0-9-]");
    case FieldShape::kCountryList:
      return CheckList(f.name, v, IsCountry, "an ISO 3166-1 alpha-2 code such as \"DE\"");
    case FieldShape::kTopicList:
      return CheckList(f.name, v, IsTopic, "a guide topic");
    case FieldShape::kSlug:
      if (!v.is_string() || !IsSlug(v.get<std::string>())) return Bad(f.name, "must be a slug");
      return Status::Ok();
    case FieldShape::kLanguage:
      if (!v.is_string() || !IsLanguage(v.get<std::string>())) {
        return Bad(f.name, "must be a language tag such as \"en\" or \"pt-BR\"");
      }
      return Status::Ok();
    case FieldShape::kCountry:
      if (!v.is_string() || !IsCountry(v.get<std::string>())) {
        return Bad(f.name, "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
      }
      return Status::Ok();
    case FieldShape::kDate:
      if (!v.is_string() || !IsDate(v.get<std::string>())) return Bad(f.name, "must be YYYY-MM-DD");
      return Status::Ok();
    case FieldShape::kTopic:
      if (!v.is_string() || !IsTopic(v.get<std::string>())) {
        return Bad(f.name, "must be one of the guide topics (entry-and-stay, legislation, ...)");
      }
      return Status::Ok();
    case FieldShape::kUrgency:
      if (!v.is_string() || (v != "low" && v != "normal" && v != "high" && v != "urgent")) {
        return Bad(f.name, "must be low, normal, high or urgent");
      }
      return Status::Ok();
    case FieldShape::kLocation:
    case FieldShape::kContact:
      return CheckObject(f, v);
    case FieldShape::kLatitude:
    case FieldShape::kLongitude: {
      double limit = f.shape == FieldShape::kLatitude ? 90 : 180;
      if (!v.is_number() || v.get<double>() < -limit || v.get<double>() > limit) {
        return Bad(f.name, "must be a number within +-" + std::to_string(static_cast<int>(limit)));
      }
      return Status::Ok();
    }
    case FieldShape::kIdList:
      return CheckList(f.name, v, IsDocId, "a document id (64 lowercase hex characters)");
    case FieldShape::kId:
      if (!v.is_string() || !IsDocId(v.get_ref<const std::string&>()))
        return Bad(f.name, "must be an id (64 lowercase hex characters)");
      return Status::Ok();
    case FieldShape::kBool:
      if (!v.is_boolean()) return Bad(f.name, "must be true or false");
      return Status::Ok();
  }
  return Status::Ok();
}

Status CheckObject(const ContentField& f, const json& v) {
  if (!v.is_object()) return Bad(f.name, "must be an object");
  const auto& fields = ObjectFields(f.shape);
  for (const auto& [key, value] : v.items()) {
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&k = key](const ContentField& inner) { return k == inner.name; });
    std::string path = std::string(f.name) + "." + key;
    if (it == fields.end()) return Bad(path, "unknown field");
    ContentField inner = *it;
    inner.name = path.c_str();
    MRC_RETURN_IF_ERROR(CheckField(inner, value));
  }
  for (const auto& inner : fields) {
    if (inner.required && !v.contains(inner.name))
      return Bad(std::string(f.name) + "." + inner.name, "is required");
  }
  return Status::Ok();
}

// A one-pass check of content as JSON text, for the common case: no DOM,
// no copies of long texts. It answers true only for content that the DOM
// check (json::parse + ValidateContent) accepts; anything it does not handle
// (numbers, nested objects, duplicate keys, lone surrogates, malformed
// input...) gets false, and the caller falls back to the DOM check, which
// also gives the message. Catch-up validates every received entry, and
// parsing a DOM was most of that cost.
class QuickScan {
 public:
  explicit QuickScan(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Content(Kind kind) {
    const auto& fields = ContentFields(kind);
    if (fields.empty() || fields.size() > 32) return false;
    std::uint32_t seen = 0;
    Space();
    if (!Eat('{')) return false;
    Space();
    if (!Eat('}')) {
      for (;;) {
        if (!String(&key_)) return false;
        std::size_t i = 0;
        while (i < fields.size() && key_ != fields[i].name) ++i;
        if (i == fields.size() || (seen & (1u << i)) != 0) return false;
        seen |= 1u << i;
        Space();
        if (!Eat(':')) return false;
        Space();
        if (!Value(fields[i].shape)) return false;
        Space();
        if (Eat(',')) {
          Space();
          continue;
        }
        if (!Eat('}')) return false;
        break;
      }
    }
    Space();
    if (p_ != end_) return false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].required && (seen & (1u << i)) == 0) return false;
    }
    auto has = [&](std::string_view name) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (name == fields[i].name) return (seen & (1u << i)) != 0;
      return false;
    };
    if (kind == Kind::kGuide && has("topic") == has("section")) return false;
    return has("translation_of") == has("source_version");
  }

 private:
  bool Eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  void Space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  bool Value(FieldShape shape) {
    switch (shape) {
      case FieldShape::kText:
        return Text(500);
      case FieldShape::kMarkdown:
        return Text(256 * 1024);
      case FieldShape::kTextList:
        return List([](const std::string& s) { return !s.empty() && s.size() <= 500; });
      case FieldShape::kSlugList:
        return List(IsSlug);
      case FieldShape::kCountryList:
        return List(IsCountry);
      case FieldShape::kTopicList:
        return List(IsTopic);
      case FieldShape::kIdList:
        return List(IsDocId);
      case FieldShape::kId:
        return String(&value_) && IsDocId(value_);
      case FieldShape::kSlug:
        return String(&value_) && IsSlug(value_);
      case FieldShape::kLanguage:
        return String(&value_) && IsLanguage(value_);
      case FieldShape::kCountry:
        return String(&value_) && IsCountry(value_);
      case FieldShape::kDate:
        return String(&value_) && IsDate(value_);
      case FieldShape::kTopic:
        return String(&value_) && IsTopic(value_);
      case FieldShape::kUrgency:
        return String(&value_) &&
               (value_ == "low" || value_ == "normal" || value_ == "high" || value_ == "urgent");
      case FieldShape::kBool:
        return Literal("true") || Literal("false");
      case FieldShape::kLocation:
      case FieldShape::kContact:
      case FieldShape::kLatitude:
      case FieldShape::kLongitude:
        return false;
    }
    return false;
  }

  // A string of 1..max_bytes bytes once unescaped, measured without a copy.
  bool Text(std::size_t max_bytes) {
    std::size_t size = 0;
    return Scan(nullptr, &size) && size > 0 && size <= max_bytes;
  }
  template <typename Pred>
  bool List(Pred ok_item) {
    if (!Eat('[')) return false;
    Space();
    if (Eat(']')) return true;
    for (int n = 1; n <= 64; ++n) {
      if (!String(&value_) || !ok_item(value_)) return false;
      Space();
      if (Eat(']')) return true;
      if (!Eat(',')) return false;
      Space();
    }
    return false;
  }
  bool String(std::string* out) {
    out->clear();
    std::size_t size = 0;
    return Scan(out, &size);
  }

  // One JSON string: RFC 8259 escapes and well-formed UTF-8 (RFC 3629), as
  // nlohmann's lexer requires. Appends the unescaped bytes to `out` when
  // given; always counts them.
  bool Scan(std::string* out, std::size_t* size) {
    if (!Eat('"')) return false;
    const char* run = p_;
    auto flush = [&] {
      if (out != nullptr) out->append(run, static_cast<std::size_t>(p_ - run));
      *size += static_cast<std::size_t>(p_ - run);
    };
    while (p_ != end_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        flush();
        ++p_;
        return true;
      }
      // Control characters (raw, or escaped below) are refused by the DOM
      // check, which names them.
      if (c < 0x20 || c == 0x7f) return false;
      if (c < 0x80 && c != '\\') {
        ++p_;
        continue;
      }
      if (c >= 0x80) {
        int n = Utf8Length();
        if (n == 0) return false;
        p_ += n;
        continue;
      }
      flush();
      ++p_;  // the backslash
      if (p_ == end_) return false;
      char e = *p_++;
      char byte = 0;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          byte = e;
          break;
        case 'n':
          byte = '\n';
          break;
        case 't':
          byte = '\t';
          break;
        case 'u':
          if (!Unicode(out, size)) return false;
          run = p_;
          continue;
        default:
          return false;
      }
      if (out != nullptr) out->push_back(byte);
      ++*size;
      run = p_;
    }
    return false;
  }

  // After "\u": four hex digits, a surrogate pair as two escapes.
  bool Unicode(std::string* out, std::size_t* size) {
    std::uint32_t cp = 0;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (!Literal("\\u") || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    char buf[4];
    std::size_t n = 0;
    if (cp < 0x80) {
      buf[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    if (out != nullptr) out->append(buf, n);
    *size += n;
    return true;
  }
  bool Hex4(std::uint32_t* v) {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      std::uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
      *v = (*v << 4) | d;
    }
    return true;
  }
  // The length of the well-formed UTF-8 sequence at p_, or 0 (RFC 3629's
  // table: no overlong forms, no surrogates, nothing past U+10FFFF).
  int Utf8Length() const {
    auto at = [&](std::ptrdiff_t i) {
      return i < end_ - p_ ? static_cast<unsigned char>(p_[i]) : 0u;
    };
    auto in = [](unsigned v, unsigned lo, unsigned hi) { return v >= lo && v <= hi; };
    unsigned c = at(0), c1 = at(1);
    if (in(c, 0xC2, 0xDF)) return in(c1, 0x80, 0xBF) ? 2 : 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (in(c, 0xE0, 0xEF)) return in(c1, lo, hi) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (in(c, 0xF0, 0xF4)) {
      return in(c1, lo, hi) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
  }

  const char* p_;
  const char* end_;
  std::string key_, value_;
};

}  // namespace

const std::vector<std::string_view>& GuideTopics() {
  static const std::vector<std::string_view> kTopics = {"entry-and-stay",
                                                        "legislation",
                                                        "visas-and-embassy",
                                                        "residence-and-work-permits",
                                                        "job-search",
                                                        "quotas-and-agreements",
                                                        "study",
                                                        "family-reunification",
                                                        "health-and-social-insurance",
                                                        "support-services",
                                                        "citizenship",
                                                        "return"};
  return kTopics;
}

Status ValidateContent(Kind kind, const json& content) {
  if (!IsDocumentKind(kind)) {
    return Status::InvalidArgument(std::string(KindName(kind)) + " entries are not documents");
  }
  if (!content.is_object()) return Status::InvalidArgument("content must be a JSON object");
  const auto& fields = ContentFields(kind);
  for (const auto& [key, value] : content.items()) {
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&k = key](const ContentField& f) { return k == f.name; });
    if (it == fields.end()) {
      return Bad(key, "unknown field for a " + std::string(KindName(kind)) + " document");
    }
    MRC_RETURN_IF_ERROR(CheckField(*it, value));
  }
  for (const auto& f : fields) {
    if (f.required && !content.contains(f.name)) return Bad(f.name, "is required");
  }
  if (kind == Kind::kGuide && content.contains("topic") == content.contains("section")) {
    return Bad("topic",
               "a guide section needs exactly one of 'topic' (a fixed topic) or "
               "'section' (a free section title)");
  }
  if (content.contains("translation_of") != content.contains("source_version")) {
    return Bad(content.contains("translation_of") ? "source_version" : "translation_of",
               "a translation names both its source document (translation_of) and the "
               "version of it it translates (source_version)");
  }
  return Status::Ok();
}

Result<std::string> CanonicalContent(Kind kind, const json& content) {
  MRC_RETURN_IF_ERROR(ValidateContent(kind, content));
  // nlohmann's object is a std::map: keys come out sorted, so dump() is canonical.
  return content.dump(-1, ' ', false, json::error_handler_t::strict);
}

Status ValidateEntryPayload(Kind kind, Op op, std::string_view payload) {
  switch (op) {
    case Op::kPut:
    case Op::kPropose:
      return ValidatePayload(kind, payload);
    case Op::kDecline:
      return ParseDecline(payload).status();
    case Op::kDelete:
      return payload.empty() ? Status::Ok()
                             : Status::InvalidArgument("a deletion carries no content");
  }
  return Status::InvalidArgument("unknown op");
}

bool GuideIsAuthoritative(std::string_view payload) {
  json content = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!content.is_object() || !content.contains("authoritative")) return false;
  return content["authoritative"] == true;
}

Status ValidatePayload(Kind kind, std::string_view payload) {
  if (!IsDocumentKind(kind)) {
    return Status::InvalidArgument("kind " + std::string(KindName(kind)) + " is not a document");
  }
  if (QuickAccept(kind, payload)) return Status::Ok();
  if (!JsonNestsAtMost(payload, kMaxJsonNesting))
    return Status::InvalidArgument("content nests deeper than " + std::to_string(kMaxJsonNesting) +
                                   " levels");
  json content = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (content.is_discarded()) return Status::InvalidArgument("content is not valid JSON");
  return ValidateContent(kind, content);
}

bool QuickAccept(Kind kind, std::string_view payload) {
  return IsDocumentKind(kind) && QuickScan(payload).Content(kind);
}

}  // namespace mrc::sync
