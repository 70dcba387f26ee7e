// A fixture that runs the doppel binary in a fresh folder per test, and
// parsers for what it writes. Shared by the command-line tests.
#ifndef DOPPEL_TESTS_CLI_HARNESS_H_
#define DOPPEL_TESTS_CLI_HARNESS_H_

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_util.h"

#ifndef DOPPEL_BIN
#error "DOPPEL_BIN must name the doppel binary"
#endif

namespace doppel_test {

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

class CliTest : public testing::Test {
 protected:
  // Runs `doppel ARGS` in the work folder; stdout and stderr are captured
  // in a separate folder so that the work folder holds only what doppel
  // wrote.
  Outcome Doppel(const std::string& args, const std::string& stdin_file = "") {
    return RunInWorkFolder(Quote(DOPPEL_BIN) + " " + args + " < " +
                           Quote(stdin_file.empty() ? "/dev/null" : stdin_file));
  }
  // Runs `{ FEED; } | doppel ARGS` in the work folder: FEED is a shell
  // command whose output is doppel's standard input.
  Outcome DoppelFedBy(const std::string& feed, const std::string& args) {
    return RunInWorkFolder("{ " + feed + "; } | " + Quote(DOPPEL_BIN) + " " + args);
  }
  // Runs the shell command in the work folder, capturing what it writes.
  Outcome RunInWorkFolder(const std::string& command) {
    const std::string out = capture_.Join("stdout"), err = capture_.Join("stderr");
    const std::string cmd = "cd " + Quote(work_.path()) + " && " + command + " > " + Quote(out) + " 2> " + Quote(err);
    int status = std::system(cmd.c_str());
    Outcome r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }
  std::string Path(const std::string& name) const { return work_.Join(name); }
  void Write(const std::string& name, const std::string& bytes) {
    fs::create_directories(fs::path(Path(name)).parent_path());
    WriteFile(Path(name), bytes);
  }
  std::string Read(const std::string& name) const { return ReadFile(Path(name)); }
  bool Exists(const std::string& name) const { return fs::exists(Path(name)); }
  // The work folder's entries, hidden ones included.
  std::vector<std::string> Entries() const { return ListDir(work_.path()); }

  TempDir work_, capture_;
  simdjson::dom::parser parser_;
};

// {"id": ..., "cluster": ...} rows, ids as minified JSON.
inline std::vector<std::pair<std::string, std::string>> ParseClusters(simdjson::dom::parser& parser, const std::string& text) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const std::string& line : SplitLines(text)) {
    simdjson::dom::element row = parser.parse(line);
    rows.push_back({simdjson::minify(row["id"]), simdjson::minify(row["cluster"])});
  }
  return rows;
}

inline std::map<std::string, double> ParseSummary(simdjson::dom::parser& parser, const std::string& text) {
  std::map<std::string, double> fields;
  simdjson::dom::object obj = parser.parse(text);
  for (auto [key, value] : obj) {
    double d;
    if (value.is_number() && !value.get_double().get(d)) fields[std::string(key)] = d;
    int64_t i;
    if (value.is_int64() && !value.get_int64().get(i)) fields[std::string(key)] = static_cast<double>(i);
    uint64_t u;
    if (value.is_uint64() && !value.get_uint64().get(u)) fields[std::string(key)] = static_cast<double>(u);
  }
  return fields;
}

}  // namespace doppel_test

#endif  // DOPPEL_TESTS_CLI_HARNESS_H_
