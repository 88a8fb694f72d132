// Front matter is a small subset of YAML, enough for content files:
//   ---
//   kind: faq
//   question: "How do I apply for a work permit?"
//   categories: [work, permits]
//   ---
//   Markdown body...
// Values are plain text to the end of the line, a double-quoted string, or a
// flow list [a, "b, c"]. The body becomes `answer` (faq) or `body` (guide,
// bulletin). Anything else is an error naming the line.
#include "node/import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/foundation/bytes.h"
#include "sync/content/content.h"

namespace mrc::node {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

// Parses a double-quoted string at the front of s; advances s past it.
Result<std::string> Quoted(std::string_view* s) {
  std::string out;
  std::size_t i = 1;
  for (; i < s->size() && (*s)[i] != '"'; ++i) {
    if ((*s)[i] == '\\' && i + 1 < s->size()) {
      char c = (*s)[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += (*s)[i];
    }
  }
  if (i >= s->size()) return Status::InvalidArgument("unterminated quoted string");
  s->remove_prefix(i + 1);
  return out;
}

Result<json> Value(std::string_view v) {
  std::string t = Trim(v);
  std::string_view s = t;
  if (s.empty()) return json("");
  if (s.front() == '"') {
    MRC_ASSIGN_OR_RETURN(std::string q, Quoted(&s));
    if (!Trim(s).empty()) return Status::InvalidArgument("text after a quoted string");
    return json(q);
  }
  if (s.front() != '[') return json(t);
  if (s.back() != ']') return Status::InvalidArgument("a list must end with ]");
  const std::string inner(s.substr(1, s.size() - 2));
  json list = json::array();
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < inner.size() && (inner[i] == ' ' || inner[i] == '\t')) ++i;
  };
  skip_spaces();
  while (i < inner.size()) {
    std::string item;
    if (inner[i] == '"') {
      std::string_view rest = std::string_view(inner).substr(i);
      std::size_t before = rest.size();
      MRC_ASSIGN_OR_RETURN(item, Quoted(&rest));
      i += before - rest.size();
    } else {
      std::size_t comma = inner.find(',', i);
      item = Trim(std::string_view(inner).substr(
          i, comma == std::string::npos ? std::string::npos : comma - i));
      i = comma == std::string::npos ? inner.size() : comma;
    }
    if (item.empty()) return Status::InvalidArgument("empty item in list");
    list.push_back(item);
    skip_spaces();
    if (i < inner.size()) {
      if (inner[i] != ',') return Status::InvalidArgument("expected , between list items");
      ++i;
      skip_spaces();
      if (i == inner.size()) return Status::InvalidArgument("empty item in list");
    }
  }
  return list;
}

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::IOError("cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<sync::Draft> ToDraft(const json& request) {
  if (!request.is_object() || !request.contains("kind") || !request["kind"].is_string() ||
      !request.contains("content")) {
    return Status::InvalidArgument("expected an object with \"kind\" and \"content\"");
  }
  for (const auto& [key, value] : request.items()) {
    if (key != "kind" && key != "content")
      return Status::InvalidArgument("unknown field '" + key + "'");
  }
  sync::Kind kind;
  if (!sync::ParseKind(request["kind"].get<std::string>(), &kind)) {
    return Status::InvalidArgument("unknown kind '" + request["kind"].get<std::string>() + "'");
  }
  MRC_ASSIGN_OR_RETURN(std::string payload, sync::CanonicalContent(kind, request["content"]));
  return sync::Draft{kind, sync::Op::kPut, Hash32{}, {}, std::move(payload)};
}

}  // namespace

Result<std::string> MarkdownToRequest(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int n = 1;
  if (!std::getline(in, line) || Trim(line) != "---") {
    return Status::InvalidArgument("line 1: a content file starts with a --- front matter line");
  }
  json content = json::object();
  std::string kind;
  bool closed = false;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line) == "---") {
      closed = true;
      break;
    }
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      return Status::InvalidArgument("line " + std::to_string(n) + ": expected key: value");
    std::string key = Trim(std::string_view(line).substr(0, colon));
    auto value = Value(std::string_view(line).substr(colon + 1));
    if (!value.ok()) return value.status().Annotate("line " + std::to_string(n));
    if (key == "kind") {
      if (!value->is_string())
        return Status::InvalidArgument("line " + std::to_string(n) + ": kind must be text");
      kind = value->get<std::string>();
    } else {
      if (content.contains(key))
        return Status::InvalidArgument("line " + std::to_string(n) + ": duplicate key " + key);
      content[key] = *value;
    }
  }
  if (!closed) return Status::InvalidArgument("front matter is not closed with ---");
  if (kind.empty()) return Status::InvalidArgument("front matter has no kind:");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A file saved on Windows ends its lines with CRLF; content keeps LF.
  std::erase(body, '\r');
  while (!body.empty() && (body.front() == '\n' || body.front() == '\r')) body.erase(body.begin());
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' '))
    body.pop_back();
  if (kind == "faq")
    content["answer"] = body;
  else if (kind == "guide" || kind == "bulletin")
    content["body"] = body;
  else
    return Status::InvalidArgument("kind " + kind + " cannot be written as Markdown (use JSON)");
  return json{{"kind", kind}, {"content", content}}.dump();
}

Result<std::vector<ImportItem>> ReadImportDir(const std::string& dir,
                                              std::vector<std::string>* errors) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir + " is not a directory");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".json" || ext == ".md")) files.push_back(it->path());
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<ImportItem> items;
  for (const auto& path : files) {
    std::string name = fs::relative(path, dir, ec).string();
    if (ec) name = path.string();
    auto text = ReadFile(path);
    if (!text.ok()) {
      errors->push_back(name + ": cannot read");
      continue;
    }
    std::vector<std::pair<std::string, json>> requests;
    if (path.extension() == ".md") {
      auto req = MarkdownToRequest(*text);
      if (!req.ok()) {
        errors->push_back(name + ": " + req.status().message());
        continue;
      }
      requests.emplace_back(name, json::parse(*req));
    } else {
      if (!JsonNestsAtMost(*text, kMaxJsonNesting)) {
        errors->push_back(name + ": nested deeper than " + std::to_string(kMaxJsonNesting) +
                          " levels");
        continue;
      }
      json j = json::parse(*text, nullptr, false);
      if (j.is_discarded()) {
        errors->push_back(name + ": not valid JSON");
        continue;
      }
      if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
          requests.emplace_back(name + "[" + std::to_string(i) + "]", j[i]);
      } else {
        requests.emplace_back(name, j);
      }
    }
    for (auto& [source, req] : requests) {
      auto draft = ToDraft(req);
      if (!draft.ok())
        errors->push_back(source + ": " + draft.status().message());
      else
        items.push_back({source, std::move(draft).value()});
    }
  }
  return items;
}

}  // namespace mrc::node
