#include "common/config_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace kvnand::config {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kOverrideOrigin = "--set";
constexpr std::size_t kMaxShownChars = 40;
constexpr const char* kObjectExpected = "an object or a file name";
/// Largest double below which every integral double is exactly representable.
constexpr double kMaxExactDouble = 9007199254740992.0;  // 2^53

// Key paths are dotted ("flash.timing.tR_ns"); "" is the root object.
std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
std::string parent_of(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}
bool is_within(const std::string& path, const std::string& prefix) {
  return path == prefix || path.rfind(prefix + ".", 0) == 0;
}
bool has_empty_element(const std::string& path) {
  return path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos;
}

/// Removes the entries of a path-keyed map or set that lie at or below path.
template <typename Container, typename KeyOf>
void erase_within(Container& c, const std::string& path, KeyOf key_of) {
  for (auto it = c.begin(); it != c.end();) it = is_within(key_of(*it), path) ? c.erase(it) : std::next(it);
}

std::string format_number(double v) {
  std::ostringstream os;
  os << std::setprecision(15) << v;
  return os.str();
}

/// A value as shown in messages: its JSON text, cut to keep one-line messages readable.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxShownChars) s = s.substr(0, kMaxShownChars - 3) + "...";
  return s;
}

[[noreturn]] void throw_at(const std::string& origin, const std::string& path, const std::string& problem) {
  throw ConfigError(origin + ": " + (path.empty() ? "" : path + ": ") + problem);
}

[[noreturn]] void throw_unreadable(const std::string& path, int err, const std::string& referenced_at) {
  std::string msg = path + ": cannot open config file (" + std::strerror(err) + ")";
  if (!referenced_at.empty()) msg += ", referenced at " + referenced_at;
  throw ConfigError(msg);
}

/// referenced_at ("file: key.path") is added to the message when a sub-file cannot be read.
std::string read_file(const std::string& path, const std::string& referenced_at) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw_unreadable(path, errno, referenced_at);
  std::string text;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  // fopen succeeds on a directory; the read is what fails (EISDIR).
  const int err = std::ferror(f) ? (errno != 0 ? errno : EIO) : 0;
  std::fclose(f);
  if (err != 0) throw_unreadable(path, err, referenced_at);
  return text;
}

/// Drops nlohmann's "[json.exception.x.y] ... - " prefix, keeping the short reason.
std::string short_reason(const std::string& what) {
  const auto dash = what.find(" - ");
  if (dash != std::string::npos) return what.substr(dash + 3);
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

/// Parses strict JSON; duplicate keys are errors (nlohmann would silently keep one of them).
json parse_text(const std::string& text, const std::string& origin) {
  struct Frame {
    bool is_array;
    std::string path;
    std::set<std::string> keys;
    std::string last_key;  ///< objects: the key whose value is being parsed
    std::size_t index;     ///< arrays: index of the next element
  };
  std::vector<Frame> stack;  // the objects and arrays being parsed, to name a duplicate's path
  const json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    Frame* top = stack.empty() ? nullptr : &stack.back();
    if (event == E::object_start || event == E::array_start) {
      std::string path = top == nullptr ? ""
                         : top->is_array ? top->path + "[" + std::to_string(top->index++) + "]"
                                         : join(top->path, top->last_key);
      stack.push_back(Frame{event == E::array_start, std::move(path), {}, {}, 0});
    } else if (event == E::key) {
      top->last_key = parsed.get<std::string>();
      if (!top->keys.insert(top->last_key).second) throw_at(origin, join(top->path, top->last_key), "duplicate key");
    } else if (event == E::value && top != nullptr && top->is_array) {
      ++top->index;
    } else if (event == E::object_end || event == E::array_end) {
      stack.pop_back();
    }
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based position of the offending character.
    const std::size_t off = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(off), '\n');
    const auto nl = off == 0 ? std::string::npos : text.rfind('\n', off - 1);
    const std::size_t column = nl == std::string::npos ? off + 1 : off - nl;
    throw ConfigError(origin + ":" + std::to_string(line) + ":" + std::to_string(column) +
                      ": JSON syntax error: " + short_reason(e.what()));
  } catch (const json::exception& e) {  // e.g. number overflow; no position available
    throw ConfigError(origin + ": JSON error: " + short_reason(e.what()));
  }
}

/// Compares file names by what they point at, so "a/../b.json" and "b.json" are one file.
std::string identity(const std::string& file) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(file, ec);
  return ec ? fs::absolute(file).lexically_normal().string() : p.string();
}

bool within(double v, const Bounds& b) {
  return std::isfinite(v) && (b.min_inclusive ? v >= b.min : v > b.min) &&
         (b.max_inclusive ? v <= b.max : v < b.max);
}

std::string describe_integer(std::uint64_t min, std::uint64_t max) {
  if (max == std::numeric_limits<std::uint64_t>::max())
    return min == 0 ? "a non-negative integer" : "an integer >= " + std::to_string(min);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

/// Reads a whole non-negative number; integral floats (4.0, 1e3) count as whole.
bool as_whole(const json& v, std::uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
    return true;
  }
  if (!v.is_number_float()) return false;  // a signed integer here is negative
  const double d = v.get<double>();
  if (!(d >= 0 && d <= kMaxExactDouble && std::trunc(d) == d)) return false;
  out = static_cast<std::uint64_t>(d);
  return true;
}

}  // namespace

namespace detail {

/// Everything a Document owns. Paths are dotted key paths from the root ("" is the root).
struct State {
  json tree;
  json resolved = json::object();
  json empty = json::object();  ///< stands in for absent optional objects
  std::string root_origin;
  std::map<std::string, std::string> object_files;  ///< object path -> file it was read from
  std::map<std::string, std::string> base_dirs;     ///< file -> directory its references resolve against
  std::set<std::string> override_paths;             ///< values and objects created by overrides
  std::map<std::string, std::set<std::string>> asked;  ///< object path -> keys getters asked for

  /// Where the object at path came from: the nearest enclosing file or override.
  std::string object_origin(std::string path) const {
    for (;;) {
      if (auto it = object_files.find(path); it != object_files.end()) return it->second;
      if (override_paths.count(path) != 0) return kOverrideOrigin;
      if (path.empty()) return root_origin;
      path = parent_of(path);
    }
  }

  std::string value_origin(const std::string& path) const {
    return override_paths.count(path) != 0 ? kOverrideOrigin : object_origin(parent_of(path));
  }

  /// Files from the root down to the object at path (the chain a new reference extends).
  std::vector<std::string> file_chain(std::string path) const {
    std::vector<std::string> chain;
    for (;;) {
      if (auto it = object_files.find(path); it != object_files.end()) chain.push_back(it->second);
      if (path.empty()) break;
      path = parent_of(path);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  /// Replaces the file name held in slot (at path) by the root object of that file.
  void load_reference(json& slot, const std::string& path) {
    const std::string from = value_origin(path);
    const auto base = base_dirs.find(from);  // absent for load_text and overrides: current dir
    const fs::path target(slot.get<std::string>());
    const std::string file =
        (base == base_dirs.end() ? target : fs::path(base->second) / target).lexically_normal().string();

    const std::vector<std::string> chain = file_chain(parent_of(path));
    const std::string id = identity(file);
    for (std::size_t i = 0; i < chain.size(); ++i) {
      if (identity(chain[i]) != id) continue;
      std::string cycle;
      for (std::size_t j = i; j < chain.size(); ++j) cycle += chain[j] + " -> ";
      throw_at(from, path, "circular file reference: " + cycle + file);
    }

    json loaded = parse_text(read_file(file, from + ": " + path), file);
    if (!loaded.is_object()) throw ConfigError(file + ": the top level must be a JSON object");
    slot = std::move(loaded);
    object_files[path] = file;
    base_dirs[file] = fs::path(file).parent_path().string();
  }

  void apply(const Override& ov) {
    const std::string name = std::string(kOverrideOrigin) + " " + ov.key_path + "=" + shown(ov.value);
    if (has_empty_element(ov.key_path)) throw ConfigError(name + ": empty element in key path");
    json* cur = &tree;
    std::size_t start = 0;
    for (auto dot = ov.key_path.find('.'); dot != std::string::npos; dot = ov.key_path.find('.', start)) {
      const std::string key = ov.key_path.substr(start, dot - start);
      const std::string path = ov.key_path.substr(0, dot);
      start = dot + 1;
      auto it = cur->find(key);
      if (it == cur->end()) {  // create it; finish() reports it if nobody reads it
        cur = &((*cur)[key] = json::object());
        override_paths.insert(path);
        continue;
      }
      // Resolve references first, so overrides can reach into sub-files.
      if (it->is_string()) load_reference(*it, path);
      if (!it->is_object()) throw ConfigError(name + ": " + path + " is not an object (got " + shown(*it) + ")");
      cur = &*it;
    }
    // Whatever was recorded below the replaced value no longer applies.
    erase_within(object_files, ov.key_path, [](const auto& entry) { return entry.first; });
    erase_within(override_paths, ov.key_path, [](const std::string& p) { return p; });
    (*cur)[ov.key_path.substr(start)] = ov.value;
    override_paths.insert(ov.key_path);
  }
};

}  // namespace detail

Override parse_override(const std::string& text) {
  const std::string name = std::string(kOverrideOrigin) + " " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw ConfigError(name + ": expected key.path=value");
  Override ov;
  ov.key_path = text.substr(0, eq);
  if (has_empty_element(ov.key_path)) throw ConfigError(name + ": empty element in key path");
  const std::string value = text.substr(eq + 1);
  if (value.empty()) throw ConfigError(name + ": missing value after '='");
  ov.value = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (ov.value.is_discarded()) ov.value = value;
  return ov;
}

std::string describe(const Bounds& b) {
  const bool has_min = std::isfinite(b.min);
  const bool has_max = std::isfinite(b.max);
  const std::string lower = std::string(b.min_inclusive ? ">= " : "> ") + format_number(b.min);
  const std::string upper = std::string(b.max_inclusive ? "<= " : "< ") + format_number(b.max);
  std::string s = "a number";
  if (has_min && has_max && b.min_inclusive && b.max_inclusive)
    s += " from " + format_number(b.min) + " to " + format_number(b.max);
  else if (has_min && has_max) s += " " + lower + " and " + upper;
  else if (has_min && b.min == 0) s = b.min_inclusive ? "a non-negative number" : "a positive number";
  else if (has_min) s += " " + lower;
  else if (has_max) s += " " + upper;
  if (b.unit != nullptr && *b.unit != '\0') s += std::string(" in ") + b.unit;
  return s;
}

Node::Node(detail::State* state, json* obj, json::json_pointer ptr, std::string path)
    : state_(state), obj_(obj), ptr_(std::move(ptr)), path_(std::move(path)) {}

const json* Node::find(const std::string& key) const {
  const auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &*it;
}

template <typename T>
T Node::use(const std::string& key, T value) {
  state_->asked[path_].insert(key);
  state_->resolved[ptr_ / key] = value;
  return value;
}

void Node::missing(const std::string& key, const std::string& expected) const {
  fail(key, "missing; expected " + expected);
}
void Node::wrong(const std::string& key, const std::string& expected, const json& got) const {
  fail(key, "expected " + expected + ", got " + shown(got));
}

double Node::number(const std::string& key, Bounds b) {
  const json* v = find(key);
  if (v == nullptr) missing(key, describe(b));
  if (!v->is_number() || !within(v->get<double>(), b)) wrong(key, describe(b), *v);
  use(key, *v);  // as written, so an integer stays an integer in resolved()
  return v->get<double>();
}

double Node::number_or(const std::string& key, double dflt, Bounds b) {
  return has(key) ? number(key, b) : use(key, dflt);
}

std::uint64_t Node::integer(const std::string& key, std::uint64_t min, std::uint64_t max) {
  const json* v = find(key);
  if (v == nullptr) missing(key, describe_integer(min, max));
  std::uint64_t n = 0;
  if (!as_whole(*v, n) || n < min || n > max) wrong(key, describe_integer(min, max), *v);
  return use(key, n);
}

std::uint64_t Node::integer_or(const std::string& key, std::uint64_t dflt, std::uint64_t min,
                               std::uint64_t max) {
  return has(key) ? integer(key, min, max) : use(key, dflt);
}

bool Node::boolean_or(const std::string& key, bool dflt) {
  const json* v = find(key);
  if (v != nullptr && !v->is_boolean()) wrong(key, "true or false", *v);
  return use(key, v != nullptr ? v->get<bool>() : dflt);
}

std::string Node::text_or(const std::string& key, const std::string& dflt) {
  const json* v = find(key);
  if (v != nullptr && !v->is_string()) wrong(key, "a string", *v);
  return use(key, v != nullptr ? v->get<std::string>() : dflt);
}

std::vector<std::string> Node::texts_or(const std::string& key, const std::vector<std::string>& dflt) {
  const json* v = find(key);
  if (v != nullptr &&
      (!v->is_array() || std::any_of(v->begin(), v->end(), [](const json& item) { return !item.is_string(); })))
    wrong(key, "an array of strings", *v);
  return use(key, v != nullptr ? v->get<std::vector<std::string>>() : dflt);
}

std::string Node::choice_or(const std::string& key, const std::string& dflt,
                            const std::vector<std::string>& accepted) {
  const json* v = find(key);
  if (v != nullptr &&
      (!v->is_string() || std::find(accepted.begin(), accepted.end(), v->get<std::string>()) == accepted.end())) {
    std::string expected = "one of ";
    for (std::size_t i = 0; i < accepted.size(); ++i) expected += (i > 0 ? ", " : "") + json(accepted[i]).dump();
    wrong(key, expected, *v);
  }
  return use(key, v != nullptr ? v->get<std::string>() : dflt);
}

bool Node::has(const std::string& key) const { return find(key) != nullptr; }

Node Node::child(const std::string& key, json* obj) {
  state_->asked[path_].insert(key);
  json& recorded = state_->resolved[ptr_ / key];
  if (!recorded.is_object()) recorded = json::object();
  return Node(state_, obj, ptr_ / key, path_of(key));
}

Node Node::object(const std::string& key) {
  const auto it = obj_->find(key);
  if (it == obj_->end()) missing(key, kObjectExpected);
  if (it->is_string() && !it->get_ref<const std::string&>().empty()) state_->load_reference(*it, path_of(key));
  if (!it->is_object()) wrong(key, kObjectExpected, *it);
  return child(key, &*it);
}

Node Node::object_or_empty(const std::string& key) {
  return has(key) ? object(key) : child(key, &state_->empty);
}

void Node::finish() const {
  const auto asked = state_->asked.find(path_);
  for (auto it = obj_->begin(); it != obj_->end(); ++it) {
    if (asked != state_->asked.end() && asked->second.count(it.key()) != 0) continue;
    std::string list;
    if (asked != state_->asked.end())
      for (const std::string& k : asked->second) list += (list.empty() ? "" : ", ") + k;
    fail(it.key(), "unknown key; accepted keys here: " + (list.empty() ? std::string("(none)") : list));
  }
}

std::string Node::path_of(const std::string& key) const { return join(path_, key); }

std::string Node::file() const { return state_->object_origin(path_); }

void Node::fail(const std::string& key, const std::string& problem) const {
  if (key.empty()) throw_at(file(), path_, problem);
  throw_at(state_->value_origin(path_of(key)), path_of(key), problem);
}

Document::Document(std::unique_ptr<detail::State> state) : state_(std::move(state)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

Document Document::load_file(const std::string& path, const std::vector<Override>& overrides) {
  Document d = load_text(read_file(path, ""), path, {});
  d.state_->object_files[""] = path;  // a real file: it anchors relative references and cycle checks
  d.state_->base_dirs[path] = fs::path(path).parent_path().string();
  for (const Override& ov : overrides) d.state_->apply(ov);
  return d;
}

Document Document::load_text(const std::string& json_text, const std::string& origin_name,
                             const std::vector<Override>& overrides) {
  auto state = std::make_unique<detail::State>();
  state->root_origin = origin_name;
  state->tree = parse_text(json_text, origin_name);
  if (!state->tree.is_object()) throw ConfigError(origin_name + ": the top level must be a JSON object");
  for (const Override& ov : overrides) state->apply(ov);
  return Document(std::move(state));
}

Node Document::root() { return Node(state_.get(), &state_->tree, json::json_pointer(), ""); }

json Document::resolved() const { return state_->resolved; }

}  // namespace kvnand::config
