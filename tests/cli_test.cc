// The doppel command-line tool, run as a program in a fresh folder per test.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "cli_harness.h"
#include "corpus_gen.h"
#include "test_util.h"

#ifndef DOPPEL_BIN
#error "DOPPEL_BIN must name the doppel binary"
#endif

namespace {

namespace fs = std::filesystem;
using doppel_test::CliTest;
using doppel_test::ListDir;
using doppel_test::Outcome;
using doppel_test::ParseClusters;
using doppel_test::ParseSummary;
using doppel_test::Quote;
using doppel_test::ReadFile;
using doppel_test::SplitLines;
using doppel_test::TempDir;
using doppel_test::WriteFile;

// A text of `n` distinct words starting at word `from`: long enough to be
// compared (dedup ignores texts under 20 words).
std::string Words(int from, int n) {
  std::string s;
  for (int i = from; i < from + n; ++i) s += (s.empty() ? "word" : " word") + std::to_string(i);
  return s;
}

// ---------------------------------------------------------------------------
// Bad input.

struct BadCase {
  const char* name;
  std::string line;    // the bad record
  const char* reason;  // what the message must say
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadCase> BadCases() {
  return {
      {"NotJson", R"({"id":"x","text":"unterminated})", "not JSON"},
      {"InvalidUtf8", std::string("{\"id\":\"x\",\"text\":\"caf\xe9 au lait\"}"), "invalid UTF-8"},
      {"NoTextField", R"({"id":"x","body":"the text is elsewhere"})", "no \"text\" field"},
      {"NonStringText", R"({"id":"x","text":42})", "not a string"},
      {"NullText", R"({"id":"x","text":null})", "not a string"},
      {"NotAnObject", R"(["id","text"])", "not a JSON object"},
  };
}

class CliBadInput : public CliTest, public testing::WithParamInterface<BadCase> {};

// Default mode: the first bad record ends the run with FILE:LINE: reason,
// exit code 2, and no output at all (no target, no temporary file).
TEST_P(CliBadInput, StopsAtTheFirstBadRecordAndLeavesNoOutput) {
  const BadCase& c = GetParam();
  std::string content = "{\"id\":\"a\",\"text\":\"" + Words(0, 30) + "\"}\n";  // line 1
  content += "\n";                                                           // line 2 (blank)
  content += c.line + "\n";                                                  // line 3: bad
  content += "{\"id\":\"b\",\"text\":\"" + Words(100, 30) + "\"}\n";          // line 4
  content += "not json either\n";                                            // line 5: bad too
  Write("bad.jsonl", content);
  Outcome r = Doppel("-q dedup -o K.jsonl --clusters C.jsonl --pairs P.jsonl --summary S.json bad.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:3: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bad.jsonl:5"), std::string::npos) << "reported more than the first: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(Entries(), std::vector<std::string>{"bad.jsonl"}) << "outputs or temporary files left behind";
}

// Skip mode: the run goes on; bad records go to the rejects file as
// {"file","line","reason"} with 1-based line numbers, and the summary's
// documents = kept + removed + rejected.
TEST_P(CliBadInput, SkipWritesRejectsAndCountsThem) {
  const BadCase& c = GetParam();
  const std::string a = "{\"id\":\"a\",\"text\":\"" + Words(0, 30) + "\"}";
  std::string content = a + "\n";                                             // 1
  content += "\n\n";                                                          // 2, 3 blank
  content += c.line + "\n";                                                   // 4: bad
  content += "{\"id\":\"b\",\"text\":\"" + Words(100, 30) + "\"}\n";           // 5
  content += "{\"id\":\"a-copy\",\"text\":\"" + Words(0, 30) + "\"}\n";        // 6: duplicate of a
  content += c.line;                                                          // 7: bad, no newline
  Write("bad.jsonl", content);
  Outcome r = Doppel(
      "-q dedup --on-error skip --rejects R.jsonl --summary S.json -o K.jsonl --clusters C.jsonl bad.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> rejects = SplitLines(Read("R.jsonl"));
  ASSERT_EQ(rejects.size(), 2u);
  std::vector<int64_t> lines;
  for (const std::string& row : rejects) {
    simdjson::dom::object obj = parser_.parse(row);
    EXPECT_EQ(obj.size(), 3u) << row;
    EXPECT_EQ(std::string_view(obj["file"]), "bad.jsonl");
    lines.push_back(int64_t(obj["line"]));
    EXPECT_NE(std::string(std::string_view(obj["reason"])).find(c.reason), std::string::npos) << row;
  }
  EXPECT_EQ(lines, (std::vector<int64_t>{4, 7}));
  auto summary = ParseSummary(parser_, Read("S.json"));
  EXPECT_EQ(summary["documents"], 5);
  EXPECT_EQ(summary["rejected"], 2);
  EXPECT_EQ(summary["kept"], 2);
  EXPECT_EQ(summary["removed"], 1);
  EXPECT_EQ(summary["documents"], summary["kept"] + summary["removed"] + summary["rejected"]);
  // The good records only, in input order.
  EXPECT_EQ(SplitLines(Read("K.jsonl")),
            (std::vector<std::string>{a, "{\"id\":\"b\",\"text\":\"" + Words(100, 30) + "\"}"}));
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  EXPECT_EQ(clusters.size(), 3u);
  EXPECT_EQ(Entries(), (std::vector<std::string>{"C.jsonl", "K.jsonl", "R.jsonl", "S.json", "bad.jsonl"}));
}

INSTANTIATE_TEST_SUITE_P(Cases, CliBadInput, testing::ValuesIn(BadCases()),
                         [](const testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST_F(CliTest, BadRecordInASecondFileNamesThatFile) {
  Write("good.jsonl", "{\"text\":\"" + Words(0, 25) + "\"}\n");
  Write("sub/second.jsonl", "\n\n{\"text\":5}\n");
  Outcome r = Doppel("-q dedup -o K.jsonl good.jsonl sub/second.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sub/second.jsonl:3: "), std::string::npos) << r.err;
  EXPECT_FALSE(Exists("K.jsonl"));
}

TEST_F(CliTest, BadRecordInCompressedInput) {
  doppel_test::WriteZstd(Path("bad.jsonl.zst"), "{\"text\":\"ok\"}\n{\"no_text\":1}\n");
  Outcome r = Doppel("-q dedup -o K.jsonl.gz --clusters C.jsonl bad.jsonl.zst");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl.zst:2: "), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), std::vector<std::string>{"bad.jsonl.zst"});
}

TEST_F(CliTest, EmptyTextIsADocumentAndBlankLinesAreNot) {
  const std::string lines[] = {
      "{\"id\":\"empty\",\"text\":\"\"}",
      "{\"id\":\"also-empty\",\"text\":\"\"}",
      "{\"id\":\"full\",\"text\":\"" + Words(0, 25) + "\"}",
  };
  Write("in.jsonl", "\n" + lines[0] + "\n  \n" + lines[1] + "\n\n" + lines[2] + "\n\n");
  Outcome r = Doppel("-q dedup --summary S.json -o K.jsonl --clusters C.jsonl in.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto summary = ParseSummary(parser_, Read("S.json"));
  EXPECT_EQ(summary["documents"], 3);
  EXPECT_EQ(summary["kept"], 3);  // two empty texts are not duplicates of each other
  EXPECT_EQ(summary["removed"], 0);
  EXPECT_EQ(summary["rejected"], 0);
  EXPECT_EQ(SplitLines(Read("K.jsonl")), (std::vector<std::string>{lines[0], lines[1], lines[2]}));
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  ASSERT_EQ(clusters.size(), 3u);
  EXPECT_EQ(clusters[0], (std::pair<std::string, std::string>{"\"empty\"", "\"empty\""}));
}

// Records that repeat an earlier record's id are kept (a page crawled twice
// under its URL is a copy like any other), counted in the summary, and
// named with their lines in a warning that -q does not silence: the lines of
// --clusters and --pairs that name the id cannot be told apart. A rejected
// record's id does not count.
TEST_F(CliTest, RepeatedIdsAreCountedAndNamedWithTheirLines) {
  Write("a.jsonl", "{\"id\":\"x\",\"text\":\"" + Words(0, 30) + "\"}\n" +
                       "{\"id\":\"y\",\"text\":\"" + Words(100, 30) + "\"}\n\n" +
                       "{\"id\":\"x\",\"text\":\"" + Words(200, 30) + "\"}\n" +
                       "{\"id\":\"y\",\"text\":5}\n");
  Write("b.jsonl", "{\"id\":\"z\",\"text\":\"" + Words(300, 30) + "\"}\n" +
                       "{\"id\":\"y\",\"text\":\"" + Words(400, 30) + "\"}\n");
  const std::string skip = " --on-error skip --rejects R.jsonl --summary S.json ";
  for (const std::string& run : {"-q dedup -o K.jsonl --clusters C.jsonl" + skip + "a.jsonl b.jsonl",
                                 "-q find --clusters C.jsonl --pairs P.jsonl" + skip + "a.jsonl b.jsonl"}) {
    SCOPED_TRACE(run);
    Outcome r = Doppel(run);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: 2 records have the id of an earlier record (the first: a.jsonl:4 has the id of "
                         "a.jsonl:1)"),
              std::string::npos)
        << r.err;
    auto summary = ParseSummary(parser_, Read("S.json"));
    EXPECT_EQ(summary["repeated_ids"], 2);
    EXPECT_EQ(summary["rejected"], 1);
    EXPECT_EQ(ParseClusters(parser_, Read("C.jsonl")).size(), 5u);  // every good record has its line
  }
  Outcome fuse = Doppel("-q fuse --clusters C.jsonl --on-error skip --rejects R.jsonl b.jsonl a.jsonl");
  ASSERT_EQ(fuse.exit_code, 0) << fuse.err;
  EXPECT_NE(fuse.err.find("2 records have the id of an earlier record (the first: a.jsonl:2 has the id of b.jsonl:2)"),
            std::string::npos)
      << fuse.err;
  // Unique ids: no warning, and the count is 0.
  Outcome once = Doppel("-q find --clusters C.jsonl --summary S.json b.jsonl");
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(once.err, "");
  EXPECT_EQ(ParseSummary(parser_, Read("S.json"))["repeated_ids"], 0);
}

TEST_F(CliTest, MissingInputIsAClearError) {
  Outcome r = Doppel("-q dedup -o K.jsonl --clusters C.jsonl no-such-file.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-file.jsonl"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
  EXPECT_TRUE(Entries().empty());
}

TEST_F(CliTest, UnreadableInputIsAClearError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read a file without read permission";
  Write("locked.jsonl", "{\"text\":\"x\"}\n");
  ::chmod(Path("locked.jsonl").c_str(), 0);
  Outcome r = Doppel("-q dedup -o K.jsonl locked.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("locked.jsonl"), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), std::vector<std::string>{"locked.jsonl"});
}

TEST_F(CliTest, DamagedCompressedInputIsAClearError) {
  std::string content;
  for (int i = 0; i < 2000; ++i) content += "{\"id\":" + std::to_string(i) + ",\"text\":\"" + Words(i, 30) + "\"}\n";
  doppel_test::WriteGzip(Path("whole.gz"), content);
  std::string gz = Read("whole.gz");
  fs::remove(Path("whole.gz"));
  Write("cut.jsonl.gz", gz.substr(0, gz.size() * 2 / 3));
  Outcome r = Doppel("-q dedup -o K.jsonl --clusters C.jsonl cut.jsonl.gz");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cut.jsonl.gz"), std::string::npos) << r.err;
  EXPECT_EQ(Entries(), std::vector<std::string>{"cut.jsonl.gz"});
}

TEST_F(CliTest, BadOptionsAreErrors) {
  Write("in.jsonl", "{\"text\":\"x\"}\n");
  for (std::string args : {"--threshold 1.5", "--threshold 0", "--ngram 0", "--num-perm 0", "--bands 4",
                           "--bands 100 --rows 100", "--keep random", "--on-error ignore"}) {
    Outcome r = Doppel("-q dedup -o K.jsonl " + args + " in.jsonl");
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_FALSE(r.err.empty()) << args;
    EXPECT_EQ(Entries(), std::vector<std::string>{"in.jsonl"}) << args;
  }
  Outcome none = Doppel("-q dedup -o K.jsonl");
  EXPECT_EQ(none.exit_code, 2);
}

// ---------------------------------------------------------------------------
// Output.

// A generated corpus with duplicates plus records written in unusual but
// valid JSON, which the kept output must reproduce byte for byte.
std::string MixedCorpus(uint64_t seed, int base_docs) {
  doppel_test::GenOptions g;
  g.seed = seed;
  g.base_docs = base_docs;
  g.short_docs = 5;
  g.empty_docs = true;
  std::string jsonl = doppel_test::ToJsonl(doppel_test::CorpusGenerator(g).Generate());
  const std::string w = Words(500, 40);
  jsonl += "{ \"text\" : \"" + w + "\" , \"id\" : \"spaced\" , \"extra\": [1, {\"x\": null}] }\n";
  jsonl += "{\"id\":\"escaped\",\"text\":\"" + w + " caf\\u00e9 \\\"q\\\" tab\\tend\"}\n";
  jsonl += "{\"id\":\"dup-of-spaced\",\"text\":\"" + w + "\"}\n";
  jsonl += "{\"id\":\"crlf\",\"text\":\"" + Words(900, 30) + "\"}\r\n";
  jsonl += "{\"id\":7,\"text\":\"" + Words(700, 30) + "\"}\n";
  jsonl += "{\"text\":\"" + Words(800, 30) + "\"}\n";  // no id
  jsonl += "{\"id\":\"unicode é 日本\",\"text\":\"" + Words(800, 30) + " é\"}\n";
  return jsonl;
}

// Checks -o and --clusters of a run over `input`: every document has a
// cluster row, a cluster is named by its representative, whose own row
// names itself, and the kept lines are exactly the representatives' input
// lines, byte for byte, in input order.
void CheckKeptAndClusters(simdjson::dom::parser& parser, const std::string& input, const std::string& kept,
                          const std::string& clusters_text, const std::string& file_name) {
  std::vector<std::string> in_lines;
  for (const std::string& l : SplitLines(input)) {
    if (l.find_first_not_of(" \t\r") != std::string::npos) in_lines.push_back(l);
  }
  auto clusters = ParseClusters(parser, clusters_text);
  ASSERT_EQ(clusters.size(), in_lines.size());
  std::set<std::string> reps;
  std::map<std::string, std::string> cluster_of;
  for (auto& [id, cluster] : clusters) {
    EXPECT_TRUE(cluster_of.emplace(id, cluster).second) << "two rows for " << id;
    reps.insert(cluster);
  }
  for (const std::string& rep : reps) {
    ASSERT_TRUE(cluster_of.count(rep)) << rep << " names a cluster but is no document";
    EXPECT_EQ(cluster_of[rep], rep) << "the representative " << rep << " is in another cluster";
  }
  // The id of each input line, as doppel names it.
  std::vector<std::string> expected;
  for (size_t i = 0; i < in_lines.size(); ++i) {
    simdjson::dom::object obj = parser.parse(in_lines[i]);
    simdjson::dom::element id;
    std::string id_json;
    if (obj["id"].get(id) == simdjson::SUCCESS) {
      id_json = simdjson::minify(id);
    } else {
      size_t line_no = 0;  // its line number among all lines
      std::vector<std::string> all = SplitLines(input);
      for (size_t k = 0, seen = 0; k < all.size(); ++k) {
        if (all[k].find_first_not_of(" \t\r") == std::string::npos) continue;
        if (seen++ == i) {
          line_no = k + 1;
          break;
        }
      }
      id_json = "\"" + file_name + ":" + std::to_string(line_no) + "\"";
    }
    EXPECT_EQ(clusters[i].first, id_json) << "cluster rows are not in input order at " << i;
    if (reps.count(id_json)) expected.push_back(in_lines[i]);
  }
  std::vector<std::string> kept_lines = SplitLines(kept);
  EXPECT_EQ(kept_lines.size(), reps.size());
  EXPECT_TRUE(kept_lines == expected) << kept_lines.size() << " kept lines, " << expected.size() << " expected";
}

TEST_F(CliTest, KeptOutputIsByteIdenticalInputLinesInInputOrder) {
  const std::string input = MixedCorpus(11, 150);
  Write("in.jsonl", input);
  Outcome r = Doppel("-q dedup -o K.jsonl --clusters C.jsonl --pairs P.jsonl --summary S.json in.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CheckKeptAndClusters(parser_, input, Read("K.jsonl"), Read("C.jsonl"), "in.jsonl");
  auto summary = ParseSummary(parser_, Read("S.json"));
  EXPECT_GT(summary["removed"], 20);  // the corpus has duplicates
  EXPECT_EQ(summary["documents"], summary["kept"] + summary["removed"] + summary["rejected"]);
  EXPECT_EQ(summary["kept"], static_cast<double>(SplitLines(Read("K.jsonl")).size()));
  // The hand-written duplicate is clustered with its differently written
  // original, which comes first and is kept.
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  std::map<std::string, std::string> cluster_of(clusters.begin(), clusters.end());
  EXPECT_EQ(cluster_of["\"dup-of-spaced\""], "\"spaced\"");
  EXPECT_EQ(cluster_of.count("\"7\""), 0u);  // a numeric id is written as a number...
  EXPECT_EQ(cluster_of["7"], "7");            // ...and stays one
  EXPECT_EQ(cluster_of["\"in.jsonl:" + std::to_string(SplitLines(input).size() - 1) + "\""],
            "\"in.jsonl:" + std::to_string(SplitLines(input).size() - 1) + "\"");
  // Pairs name documents that share a cluster.
  for (const std::string& line : SplitLines(Read("P.jsonl"))) {
    simdjson::dom::object obj = parser_.parse(line);
    std::string a = simdjson::minify(obj["a"]), b = simdjson::minify(obj["b"]);
    EXPECT_EQ(cluster_of[a], cluster_of[b]) << line;
    double j = double(obj["jaccard"]);
    EXPECT_GE(j, 0.8) << line;
    EXPECT_LE(j, 1.0) << line;
  }
  EXPECT_EQ(Entries(), (std::vector<std::string>{"C.jsonl", "K.jsonl", "P.jsonl", "S.json", "in.jsonl"}));
}

TEST_F(CliTest, CompressedInputAndOutput) {
  const std::string input = MixedCorpus(12, 120);
  Write("plain.jsonl", input);
  doppel_test::WriteGzip(Path("in.jsonl.gz"), input);
  doppel_test::WriteZstd(Path("in.jsonl.zst"), input);
  ASSERT_EQ(Doppel("-q dedup -o K.jsonl --clusters C.jsonl plain.jsonl").exit_code, 0);
  const std::string kept = Read("K.jsonl");
  const std::string clusters = Read("C.jsonl");
  // Compressed inputs give the same kept records, compressed outputs hold
  // the same bytes.
  for (std::string in : {"in.jsonl.gz", "in.jsonl.zst"}) {
    for (std::string ext : {".gz", ".zst", ""}) {
      Outcome r = Doppel("-q dedup -o out.jsonl" + ext + " --clusters cl.jsonl" + ext + " " + in);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      std::string got_kept = ext == ".gz"    ? doppel_test::ReadGzip(Path("out.jsonl" + ext))
                             : ext == ".zst" ? doppel_test::ReadZstd(Path("out.jsonl" + ext))
                                             : Read("out.jsonl");
      EXPECT_TRUE(got_kept == kept) << in << " -> " << ext;
      std::string got_clusters = ext == ".gz"    ? doppel_test::ReadGzip(Path("cl.jsonl" + ext))
                                 : ext == ".zst" ? doppel_test::ReadZstd(Path("cl.jsonl" + ext))
                                                 : Read("cl.jsonl");
      // Ids without an id field name the file they come from.
      std::string expected_clusters = clusters;
      for (size_t at; (at = expected_clusters.find("plain.jsonl:")) != std::string::npos;) {
        expected_clusters.replace(at, 11, in);
      }
      EXPECT_TRUE(got_clusters == expected_clusters) << in << " -> " << ext;
      if (!ext.empty()) {
        EXPECT_LT(fs::file_size(Path("out.jsonl" + ext)), kept.size());
      }
    }
  }
}

TEST_F(CliTest, StandardInput) {
  const std::string input = MixedCorpus(13, 100);
  Write("in.jsonl", input);
  ASSERT_EQ(Doppel("-q dedup -o K.jsonl --clusters C.jsonl in.jsonl").exit_code, 0);
  Outcome r = Doppel("-q dedup -o K2.jsonl --clusters C2.jsonl -", Path("in.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Read("K2.jsonl") == Read("K.jsonl"));
  CheckKeptAndClusters(parser_, input, Read("K2.jsonl"), Read("C2.jsonl"), "<stdin>");
  // Standard output as the output.
  Outcome s = Doppel("-q dedup -o - -", Path("in.jsonl"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_TRUE(s.out == Read("K.jsonl"));
  // stdin can be gzip-compressed data only when named as a file; plain
  // JSONL on stdin with a bad record reports <stdin>:LINE.
  Write("bad.jsonl", "{\"text\":\"a\"}\n\n[1]\n");
  Outcome b = Doppel("-q dedup -o K3.jsonl -", Path("bad.jsonl"));
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("<stdin>:3: "), std::string::npos) << b.err;
  EXPECT_FALSE(Exists("K3.jsonl"));
}

TEST_F(CliTest, DirectoryOfTextFiles) {
  const std::string a = Words(0, 40) + "\nwith a second line.\n";
  Write("docs/a.txt", a);
  Write("docs/sub/b.txt", Words(0, 40) + "\nwith a second line!\n");  // same words
  Write("docs/c.txt", Words(300, 40));
  Write("docs/d.txt", "Short \"quoted\" text\twith a tab.");
  Write("docs/skip.md", Words(0, 40));
  Outcome r = Doppel("-q dedup -o K.jsonl --clusters C.jsonl --summary S.json docs");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto clusters = ParseClusters(parser_, Read("C.jsonl"));
  EXPECT_EQ(clusters, (std::vector<std::pair<std::string, std::string>>{{"\"a.txt\"", "\"a.txt\""},
                                                                        {"\"c.txt\"", "\"c.txt\""},
                                                                        {"\"d.txt\"", "\"d.txt\""},
                                                                        {"\"sub/b.txt\"", "\"a.txt\""}}));
  // Kept text files come out as JSONL records holding the whole file.
  std::vector<std::string> kept = SplitLines(Read("K.jsonl"));
  ASSERT_EQ(kept.size(), 3u);
  std::vector<std::pair<std::string, std::string>> rows;
  for (const std::string& line : kept) {
    simdjson::dom::object obj = parser_.parse(line);
    rows.push_back({std::string(std::string_view(obj["id"])), std::string(std::string_view(obj["text"]))});
  }
  EXPECT_EQ(rows[0], (std::pair<std::string, std::string>{"a.txt", a}));
  EXPECT_EQ(rows[1], (std::pair<std::string, std::string>{"c.txt", Words(300, 40)}));
  EXPECT_EQ(rows[2], (std::pair<std::string, std::string>{"d.txt", "Short \"quoted\" text\twith a tab."}));
  auto summary = ParseSummary(parser_, Read("S.json"));
  EXPECT_EQ(summary["documents"], 4);
  EXPECT_EQ(summary["removed"], 1);
}

TEST_F(CliTest, SummaryFieldsAddUp) {
  const std::string input = MixedCorpus(14, 80) + "{\"bad\":1}\n";
  Write("in.jsonl", input);
  Outcome r = Doppel("-q dedup --on-error skip --rejects R.jsonl -o K.jsonl --summary S.json in.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = ParseSummary(parser_, Read("S.json"));
  for (const char* field : {"documents", "kept", "removed", "rejected"}) EXPECT_TRUE(s.count(field)) << field;
  size_t records = 0;
  for (const std::string& l : SplitLines(input)) records += l.find_first_not_of(" \t\r") != std::string::npos;
  EXPECT_EQ(s["documents"], static_cast<double>(records));
  EXPECT_EQ(s["rejected"], 1);
  EXPECT_EQ(s["documents"], s["kept"] + s["removed"] + s["rejected"]);
  EXPECT_EQ(s["kept"], static_cast<double>(SplitLines(Read("K.jsonl")).size()));
  // Without --rejects, skipped records are only counted.
  EXPECT_EQ(Entries(), (std::vector<std::string>{"K.jsonl", "R.jsonl", "S.json", "in.jsonl"}));
}

// The same input and options give byte-identical files for any thread count.
TEST_F(CliTest, DeterministicAcrossThreadCounts) {
  doppel_test::GenOptions g;
  g.seed = 99;
  g.base_docs = 1600;  // a few MB: several batches in flight
  g.short_docs = 10;
  Write("in.jsonl", doppel_test::ToJsonl(doppel_test::CorpusGenerator(g).Generate()));
  ASSERT_GT(fs::file_size(Path("in.jsonl")), 3u << 20);
  for (std::string extra : {"", " --no-verify", " --keep longest"}) {
    Outcome one = Doppel("-q -j 1 dedup -o K1.jsonl --clusters C1.jsonl --pairs P1.jsonl in.jsonl" + extra);
    Outcome two = Doppel("-q -j 2 dedup -o K2.jsonl --clusters C2.jsonl --pairs P2.jsonl in.jsonl" + extra);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_TRUE(Read("K1.jsonl") == Read("K2.jsonl")) << extra;
    EXPECT_TRUE(Read("C1.jsonl") == Read("C2.jsonl")) << extra;
    EXPECT_TRUE(Read("P1.jsonl") == Read("P2.jsonl")) << extra;
    EXPECT_GT(SplitLines(Read("P1.jsonl")).size(), 100u) << extra;  // there were duplicates to find
  }
}

}  // namespace

// What a review found; each is a way to lose or misplace data.
namespace {

TEST_F(CliTest, SkipNeedsRejectsAndRejectsNeedsSkip) {
  Write("in.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Outcome r = Doppel("-q dedup --on-error skip -o K.jsonl in.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rejects"), std::string::npos) << r.err;
  r = Doppel("-q dedup --rejects R.jsonl -o K.jsonl in.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Entries(), std::vector<std::string>{"in.jsonl"});
}

TEST_F(CliTest, TwoOutputsCannotShareAPath) {
  Write("in.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Outcome r = Doppel("-q dedup --clusters - in.jsonl");  // -o is stdout too
  EXPECT_EQ(r.exit_code, 2);
  r = Doppel("-q dedup -o X.jsonl --pairs X.jsonl in.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Entries(), std::vector<std::string>{"in.jsonl"});
}

TEST_F(CliTest, AFailingSummaryLeavesNoOtherOutput) {
  Write("in.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Outcome r = Doppel("-q dedup -o K.jsonl --summary no-such-folder/S.json in.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Entries(), std::vector<std::string>{"in.jsonl"});
}

TEST_F(CliTest, GlobalFlagsAfterTheSubcommand) {
  Write("in.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Outcome r = Doppel("dedup -q -j 1 -o K.jsonl in.jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CliTest, APipeIsReadTwiceThroughAScratchCopy) {
  const std::string input = MixedCorpus(6, 40);
  Write("in.jsonl", input);
  ASSERT_EQ(::mkfifo(Path("pipe.jsonl").c_str(), 0600), 0);
  // A writer in the background fills the pipe once.
  std::string cmd = "cat " + Quote(Path("in.jsonl")) + " > " + Quote(Path("pipe.jsonl")) + " &";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Outcome r = Doppel("-q dedup -o K.jsonl pipe.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Outcome ref = Doppel("-q dedup -o K2.jsonl in.jsonl");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  EXPECT_EQ(Read("K.jsonl"), Read("K2.jsonl"));
  EXPECT_FALSE(Read("K.jsonl").empty());
}

TEST_F(CliTest, AFolderWithoutTextFilesIsAnError) {
  Write("shards/a.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Outcome r = Doppel("-q dedup -o K.jsonl shards");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no *.txt files"), std::string::npos) << r.err;
}

TEST_F(CliTest, ARecordBeforeADamagedFileIsReportedFirst) {
  Write("bad.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\nnot json\n");
  doppel_test::TempDir scratch;
  doppel_test::WriteGzip(scratch.Join("full.gz"), MixedCorpus(20, 40));
  std::string gz = ReadFile(scratch.Join("full.gz"));
  Write("cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  Outcome r = Doppel("-q dedup -o K.jsonl bad.jsonl cut.jsonl.gz");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:3"), std::string::npos) << r.err;
}

}  // namespace
