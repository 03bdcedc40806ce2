// Strict reader for the JSON platform configs: typed getters with bounds, unknown-key detection,
// sub-file references, command-line overrides, and a record of the config as actually used.
//
// Every error is a ConfigError whose text names the file, the key path and what is accepted:
//   <file>: cannot open config file (<strerror>)[, referenced at <file>: <key.path>]
//   <file>:<line>:<column>: JSON syntax error: <reason>
//   <file>: <key.path>: duplicate key
//   <file>: the top level must be a JSON object
//   <file>: <key.path>: expected <what>, got <value as JSON, cut to 40 chars>
//   <file>: <key.path>: missing; expected <what>
//   <file>: <key.path>: unknown key; accepted keys here: <sorted list | (none)>
//   <file>: <key.path>: circular file reference: a.json -> b.json -> a.json
// Values that came from an override are attributed to "--set" instead of a file:
//   "--set: channels.rate_GBps: expected a positive number in GB/s, got "fast""
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kvnand::config {

class ConfigError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

/// One "--set key.path=value" from the command line.
struct Override {
  std::string key_path;  ///< dotted, e.g. "flash.timing.tR_ns"
  nlohmann::json value;
};

/// Parses "a.b.c=value". The value is taken as JSON when it is valid JSON (number, bool, null,
/// object, array, quoted string), otherwise as a plain string (so "mode=seq" gives "seq").
/// Throws ConfigError on "--set <text>: expected key.path=value" (no '='),
/// "--set <text>: empty element in key path" and "--set <text>: missing value after '='".
Override parse_override(const std::string& text);

/// Accepted interval of a number. An infinite bound means "unbounded on that side".
/// Infinite and NaN values are always rejected.
struct Bounds {
  double min;
  double max;
  bool min_inclusive;
  bool max_inclusive;
  const char* unit;  ///< shown as "... in <unit>"; nullptr for none
};

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();
/// x > 0
inline Bounds positive(const char* unit = nullptr) { return {0, kUnbounded, false, false, unit}; }
/// x >= 0
inline Bounds non_negative(const char* unit = nullptr) { return {0, kUnbounded, true, false, unit}; }
/// any finite x
inline Bounds any_number(const char* unit = nullptr) { return {-kUnbounded, kUnbounded, false, false, unit}; }
/// lo <= x <= hi
inline Bounds range(double lo, double hi, const char* unit = nullptr) { return {lo, hi, true, true, unit}; }
/// 0 <= x <= 1
inline Bounds fraction() { return {0, 1, true, true, nullptr}; }

/// What a Bounds accepts, as used in messages: "a positive number in ns",
/// "a number > 0 and <= 64 in planes", "a number from 0 to 1".
std::string describe(const Bounds& b);

namespace detail {
struct State;
}

/// A view on one JSON object inside a Document. Cheap to copy; valid while its Document lives
/// (moving the Document keeps it valid). Getters mark the key as known to this object and record
/// the value used (defaults included) in Document::resolved().
class Node {
 public:
  double number(const std::string& key, Bounds b);
  double number_or(const std::string& key, double dflt, Bounds b);

  /// Whole numbers in [min, max]. A JSON number written with a fraction part or exponent
  /// (4.0, 1e3) is accepted when its value is exactly integral; 4.5, -1 and values outside
  /// the range are rejected with the range in the message.
  std::uint64_t integer(const std::string& key, std::uint64_t min, std::uint64_t max);
  std::uint64_t integer_or(const std::string& key, std::uint64_t dflt, std::uint64_t min,
                           std::uint64_t max);

  bool boolean_or(const std::string& key, bool dflt);
  std::string text_or(const std::string& key, const std::string& dflt);
  /// An array of strings ("expected an array of strings" otherwise).
  std::vector<std::string> texts_or(const std::string& key, const std::vector<std::string>& dflt);
  std::string choice_or(const std::string& key, const std::string& dflt,
                        const std::vector<std::string>& accepted);

  /// Whether the key is present. Does not mark it as known.
  bool has(const std::string& key) const;

  /// Required sub-object. A string value is a file name, relative to the directory of the file
  /// that holds the string (current directory for load_text and overrides); that file's root
  /// object is used and messages about its keys name that file.
  Node object(const std::string& key);
  /// Like object(), but an absent key reads as an empty object (all defaults).
  Node object_or_empty(const std::string& key);

  /// Throws for the first present key (in sorted order) that no getter asked for:
  /// "<file>: <key.path>: unknown key; accepted keys here: a, b, c".
  void finish() const;

  /// Dotted path of a key in this object, e.g. "channels.rate_GBps".
  std::string path_of(const std::string& key) const;
  /// The file this object came from ("--set" if an override created it).
  std::string file() const;
  /// Throws "<file of key>: <key.path>: <problem>" for checks done by callers. An empty key
  /// names this object itself.
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  friend class Document;
  Node(detail::State* state, nlohmann::json* obj, nlohmann::json::json_pointer ptr,
       std::string path);

  const nlohmann::json* find(const std::string& key) const;
  /// Marks the key as asked for and records the value used in the resolved tree.
  template <typename T>
  T use(const std::string& key, T value);
  [[noreturn]] void missing(const std::string& key, const std::string& expected) const;
  [[noreturn]] void wrong(const std::string& key, const std::string& expected,
                          const nlohmann::json& got) const;
  Node child(const std::string& key, nlohmann::json* obj);

  detail::State* state_;
  nlohmann::json* obj_;
  nlohmann::json::json_pointer ptr_;  ///< where this object lives in the resolved tree
  std::string path_;                  ///< dotted; empty for the root
};

/// Owns a loaded config tree and the bookkeeping of what was read. Movable, not copyable.
class Document {
 public:
  /// Reads a file, then applies the overrides in order (later ones win).
  static Document load_file(const std::string& path, const std::vector<Override>& overrides = {});
  /// As load_file for text in memory; origin_name is shown in messages as the file name.
  static Document load_text(const std::string& json_text, const std::string& origin_name,
                            const std::vector<Override>& overrides = {});

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  ~Document();

  Node root();

  /// The config as actually used, in one tree: every value a getter read (defaults filled in),
  /// every sub-object asked for (file references replaced by their content). Keys present in
  /// the files but never read are not included.
  nlohmann::json resolved() const;

 private:
  explicit Document(std::unique_ptr<detail::State> state);
  std::unique_ptr<detail::State> state_;
};

}  // namespace kvnand::config
