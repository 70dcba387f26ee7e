// Reading inputs (InputSet), parsing records (RecordParser) and writing
// outputs (OutputFile).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <thread>
#include <gtest/gtest.h>

#include "doppel/input.h"
#include "doppel/output.h"
#include "doppel/record.h"
#include "test_util.h"

namespace doppel {
namespace {

namespace fs = std::filesystem;
using doppel_test::ListDir;
using doppel_test::ReadFile;
using doppel_test::ReadGzip;
using doppel_test::ReadZstd;
using doppel_test::Rng;
using doppel_test::TempDir;
using doppel_test::WriteFile;
using doppel_test::WriteGzip;
using doppel_test::WriteZstd;

// A record as read, copied out of its batch.
struct Rec {
  uint32_t file;
  uint64_t line;
  std::string bytes;
  uint64_t ordinal;
  bool operator==(const Rec& o) const {
    return file == o.file && line == o.line && bytes == o.bytes && ordinal == o.ordinal;
  }
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  return os << "{file " << r.file << ", line " << r.line << ", #" << r.ordinal << ", '" << r.bytes.substr(0, 60)
            << "'}";
}

// Reads every record; checks the batch invariants on the way.
std::vector<Rec> ReadAll(InputSet& input, size_t target_bytes) {
  std::vector<Rec> out;
  Batch batch;
  for (int guard = 0; guard < 10000000; ++guard) {
    auto more = input.Next(&batch, target_bytes);
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) break;
    EXPECT_EQ(batch.first_index, out.size());
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const RawRecord& r = batch.records[i];
      // The bytes point into the buffer, with the padding simdjson needs.
      const char* begin = batch.buffer.data();
      EXPECT_GE(r.bytes.data(), begin);
      EXPECT_LE(r.bytes.data() + r.bytes.size() + Batch::kPadding, begin + batch.buffer.size());
      // A plain file's record can be read again by its offset.
      if (input.random_access(r.file)) {
        std::string again(r.bytes.size(), '\0');
        Status st = input.ReadAt(r.file, r.offset, again.size(), again.data());
        EXPECT_TRUE(st.ok()) << st.message();
        EXPECT_EQ(again, r.bytes) << "record at offset " << r.offset;
      } else if (input.files()[r.file].kind == InputKind::kTextFile) {
        EXPECT_EQ(r.offset, 0u);
      }
      out.push_back({r.file, r.line, std::string(r.bytes), batch.first_index + i});
    }
  }
  return out;
}

std::unique_ptr<InputSet> MustOpen(const std::vector<std::string>& paths, const std::string& tmp) {
  auto opened = InputSet::Open(paths, tmp);
  EXPECT_TRUE(opened.ok()) << opened.status().message();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

std::vector<Rec> ReadPaths(const std::vector<std::string>& paths, const std::string& tmp, size_t target = 1 << 20) {
  auto input = MustOpen(paths, tmp);
  if (!input) return {};
  return ReadAll(*input, target);
}

// JSON lines of varied lengths: `n` records, roughly `avg` bytes each.
std::string MakeJsonl(Rng& rng, int n, int avg) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    std::string text;
    int len = static_cast<int>(rng.Below(static_cast<uint64_t>(2 * avg)));
    while (static_cast<int>(text.size()) < len) text += doppel_test::PseudoWord(rng, 1 + static_cast<int>(rng.Below(9))) + " ";
    s += fmt::format("{{\"id\":{},\"text\":\"{}\"}}\n", i, text);
  }
  return s;
}

// The records we expect from JSONL `content` (file index `file`): its
// non-blank lines, numbered from 1.
std::vector<Rec> ExpectedRecords(const std::string& content, uint32_t file, uint64_t first_ordinal) {
  std::vector<Rec> out;
  std::vector<std::string> lines = doppel_test::SplitLines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back({file, i + 1, lines[i], first_ordinal + out.size()});
  }
  return out;
}

// ---------------------------------------------------------------------------
// InputSet.

TEST(InputSet, PlainJsonl) {
  TempDir dir;
  std::string content = "{\"id\":1,\"text\":\"one\"}\n{\"id\":2,\"text\":\"two\"}\n{\"id\":3,\"text\":\"three\"}\n";
  WriteFile(dir.Join("a.jsonl"), content);
  auto input = MustOpen({dir.Join("a.jsonl")}, dir.path());
  ASSERT_TRUE(input);
  ASSERT_EQ(input->files().size(), 1u);
  EXPECT_EQ(input->files()[0].kind, InputKind::kJsonl);
  EXPECT_EQ(input->files()[0].path, dir.Join("a.jsonl"));
  EXPECT_EQ(input->files()[0].display, dir.Join("a.jsonl"));
  EXPECT_EQ(input->files()[0].size, content.size());
  EXPECT_EQ(input->total_bytes(), content.size());
  EXPECT_EQ(ReadAll(*input, 1 << 20), ExpectedRecords(content, 0, 0));
}

TEST(InputSet, ManySmallBatchesAcrossReadChunks) {
  // Several MB of lines of varied length, read in small batches: lines that
  // straddle the reader's internal chunks and batch ends come out whole.
  TempDir dir;
  Rng rng(1);
  std::string content = MakeJsonl(rng, 12000, 300);
  ASSERT_GT(content.size(), 3u << 20);
  WriteFile(dir.Join("big.jsonl"), content);
  std::vector<Rec> expected = ExpectedRecords(content, 0, 0);
  for (size_t target : {size_t{1}, size_t{4096}, size_t{100000}, size_t{1} << 20, size_t{16} << 20}) {
    std::vector<Rec> got = ReadPaths({dir.Join("big.jsonl")}, dir.path(), target);
    ASSERT_EQ(got.size(), expected.size()) << target;
    EXPECT_TRUE(got == expected) << target;
  }
}

TEST(InputSet, GzipAndZstdGiveTheSameRecordsAsPlain) {
  TempDir dir;
  Rng rng(2);
  std::string content = MakeJsonl(rng, 3000, 400);
  content += "\n   \n{\"text\":\"after blanks\"}";  // blank lines, no final newline
  WriteFile(dir.Join("p.jsonl"), content);
  WriteGzip(dir.Join("g.jsonl.gz"), content);
  WriteZstd(dir.Join("z.jsonl.zst"), content);
  std::vector<Rec> expected = ExpectedRecords(content, 0, 0);
  for (std::string name : {"p.jsonl", "g.jsonl.gz", "z.jsonl.zst"}) {
    auto input = MustOpen({dir.Join(name)}, dir.path());
    ASSERT_TRUE(input);
    EXPECT_EQ(input->files()[0].kind,
              name == "p.jsonl" ? InputKind::kJsonl : (name == "g.jsonl.gz" ? InputKind::kGzip : InputKind::kZstd));
    std::vector<Rec> got = ReadAll(*input, 64 << 10);
    ASSERT_EQ(got.size(), expected.size()) << name;
    EXPECT_TRUE(got == expected) << name;
  }
}

TEST(InputSet, ConcatenatedCompressedStreams) {
  // gzip members and zstd frames written one after another are one stream.
  TempDir dir;
  std::string a = "{\"text\":\"first part\"}\n{\"text\":\"second", b = " line\"}\n{\"text\":\"third\"}\n";
  WriteFile(dir.Join("two.jsonl.zst"), doppel_test::ZstdCompress(a) + doppel_test::ZstdCompress(b));
  WriteGzip(dir.Join("a.gz.part"), a);
  WriteGzip(dir.Join("b.gz.part"), b);
  WriteFile(dir.Join("two.jsonl.gz"), ReadFile(dir.Join("a.gz.part")) + ReadFile(dir.Join("b.gz.part")));
  std::vector<Rec> expected = ExpectedRecords(a + b, 0, 0);
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(ReadPaths({dir.Join("two.jsonl.zst")}, dir.path()), expected);
  EXPECT_EQ(ReadPaths({dir.Join("two.jsonl.gz")}, dir.path()), expected);
}

TEST(InputSet, BlankLinesAreSkippedAndLinesKeepTheirNumbers) {
  TempDir dir;
  std::string content = "\n{\"text\":\"a\"}\n   \n\t\n{\"text\":\"b\"}\n\r\n\n{\"text\":\"c\"}\n\n";
  WriteFile(dir.Join("b.jsonl"), content);
  std::vector<Rec> got = ReadPaths({dir.Join("b.jsonl")}, dir.path());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].line, 2u);
  EXPECT_EQ(got[0].bytes, "{\"text\":\"a\"}");
  EXPECT_EQ(got[1].line, 5u);
  EXPECT_EQ(got[1].bytes, "{\"text\":\"b\"}");
  EXPECT_EQ(got[2].line, 8u);
  EXPECT_EQ(got[2].bytes, "{\"text\":\"c\"}");
  EXPECT_EQ(got[2].ordinal, 2u);
  // A file of blank lines only has no records; an empty file neither.
  WriteFile(dir.Join("blank.jsonl"), "\n\n  \n");
  WriteFile(dir.Join("empty.jsonl"), "");
  EXPECT_TRUE(ReadPaths({dir.Join("blank.jsonl")}, dir.path()).empty());
  EXPECT_TRUE(ReadPaths({dir.Join("empty.jsonl")}, dir.path()).empty());
}

TEST(InputSet, LastLineWithoutNewline) {
  TempDir dir;
  WriteFile(dir.Join("n.jsonl"), "{\"text\":\"a\"}\n{\"text\":\"last\"}");
  std::vector<Rec> got = ReadPaths({dir.Join("n.jsonl")}, dir.path());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].bytes, "{\"text\":\"last\"}");
  EXPECT_EQ(got[1].line, 2u);
  // A file that is one line without a newline.
  WriteFile(dir.Join("one.jsonl"), "{\"text\":\"only\"}");
  got = ReadPaths({dir.Join("one.jsonl")}, dir.path());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].bytes, "{\"text\":\"only\"}");
}

TEST(InputSet, CrlfLines) {
  TempDir dir;
  WriteFile(dir.Join("crlf.jsonl"), "{\"id\":1,\"text\":\"a\"}\r\n\r\n{\"id\":2,\"text\":\"b\"}\r\n");
  std::vector<Rec> got = ReadPaths({dir.Join("crlf.jsonl")}, dir.path());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].line, 1u);
  EXPECT_EQ(got[1].line, 3u);
  // The record is the line without its '\n'; a '\r' before it is JSON
  // whitespace, kept so that copies of the record stay byte-identical.
  auto strip_cr = [](std::string s) {
    if (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
  };
  EXPECT_EQ(strip_cr(got[0].bytes), "{\"id\":1,\"text\":\"a\"}");
  EXPECT_EQ(strip_cr(got[1].bytes), "{\"id\":2,\"text\":\"b\"}");
  EXPECT_EQ(got[0].bytes.find('\n'), std::string::npos);
  // And it parses.
  RecordParser parser(FieldNames{});
  InputFile file{dir.Join("crlf.jsonl"), "crlf.jsonl", "", InputKind::kJsonl, 0};
  std::string buf = got[1].bytes + std::string(Batch::kPadding, '\0');
  Document doc;
  std::string reason;
  ASSERT_TRUE(parser.Parse(RawRecord{0, 3, std::string_view(buf.data(), got[1].bytes.size())}, file, &doc, &reason))
      << reason;
  EXPECT_EQ(doc.text, "b");
  EXPECT_EQ(doc.id_json, "2");
}

TEST(InputSet, RecordLargerThanTheBatch) {
  TempDir dir;
  Rng rng(3);
  std::string huge_text;
  while (huge_text.size() < (3u << 20)) huge_text += doppel_test::PseudoWord(rng, 7) + " ";
  std::string huge = "{\"id\":\"huge\",\"text\":\"" + huge_text + "\"}";
  std::string content = "{\"text\":\"before\"}\n" + huge + "\n{\"text\":\"after\"}\n";
  WriteFile(dir.Join("h.jsonl"), content);
  WriteZstd(dir.Join("h.jsonl.zst"), content);
  for (std::string name : {"h.jsonl", "h.jsonl.zst"}) {
    for (size_t target : {size_t{16}, size_t{1} << 20}) {
      std::vector<Rec> got = ReadPaths({dir.Join(name)}, dir.path(), target);
      ASSERT_EQ(got.size(), 3u) << name << " " << target;
      EXPECT_EQ(got[0].bytes, "{\"text\":\"before\"}");
      EXPECT_TRUE(got[1].bytes == huge) << name << " " << target;
      EXPECT_EQ(got[1].line, 2u);
      EXPECT_EQ(got[2].bytes, "{\"text\":\"after\"}");
      EXPECT_EQ(got[2].line, 3u);
    }
  }
}

TEST(InputSet, SeveralFilesInOrder) {
  TempDir dir;
  std::string a = "{\"text\":\"a1\"}\n{\"text\":\"a2\"}\n", b = "\n{\"text\":\"b1\"}\n", c = "{\"text\":\"c1\"}";
  WriteFile(dir.Join("a.jsonl"), a);
  WriteGzip(dir.Join("b.jsonl.gz"), b);
  WriteZstd(dir.Join("c.jsonl.zst"), c);
  auto input = MustOpen({dir.Join("a.jsonl"), dir.Join("b.jsonl.gz"), dir.Join("c.jsonl.zst")}, dir.path());
  ASSERT_TRUE(input);
  ASSERT_EQ(input->files().size(), 3u);
  std::vector<Rec> expected = ExpectedRecords(a, 0, 0);
  for (const Rec& r : ExpectedRecords(b, 1, expected.size())) expected.push_back(r);
  for (const Rec& r : ExpectedRecords(c, 2, expected.size())) expected.push_back(r);
  EXPECT_EQ(ReadAll(*input, 8), expected);
}

TEST(InputSet, DirectoryOfTextFiles) {
  TempDir dir;
  fs::create_directories(dir.Join("docs/sub/deeper"));
  fs::create_directories(dir.Join("docs/empty_dir"));
  WriteFile(dir.Join("docs/b.txt"), "Bee text.\nSecond line.\n");
  WriteFile(dir.Join("docs/a.txt"), "Ay text");
  WriteFile(dir.Join("docs/sub/z.txt"), "zed\r\n\r\nwith blank lines\n");
  WriteFile(dir.Join("docs/sub/deeper/c.txt"), "");
  WriteFile(dir.Join("docs/notes.md"), "not a txt file");
  WriteFile(dir.Join("docs/sub/data.jsonl"), "{\"text\":\"not read either\"}\n");
  auto input = MustOpen({dir.Join("docs")}, dir.path());
  ASSERT_TRUE(input);
  const std::vector<InputFile>& files = input->files();
  ASSERT_EQ(files.size(), 4u);
  // Sorted by the relative path, which is the document id.
  std::vector<std::string> ids;
  for (const InputFile& f : files) {
    ids.push_back(f.doc_id);
    EXPECT_EQ(f.kind, InputKind::kTextFile);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a.txt", "b.txt", "sub/deeper/c.txt", "sub/z.txt"}));
  std::vector<Rec> got = ReadAll(*input, 4);
  ASSERT_EQ(got.size(), 4u);
  // Each file is one record holding all of it, line breaks included.
  EXPECT_EQ(got[0].bytes, "Ay text");
  EXPECT_EQ(got[1].bytes, "Bee text.\nSecond line.\n");
  EXPECT_EQ(got[2].bytes, "");
  EXPECT_EQ(got[3].bytes, "zed\r\n\r\nwith blank lines\n");
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].line, 1u);
    EXPECT_EQ(got[i].file, i);
  }
}

TEST(InputSet, MixOfDirectoryAndJsonl) {
  TempDir dir;
  fs::create_directories(dir.Join("d"));
  WriteFile(dir.Join("d/x.txt"), "text x");
  WriteFile(dir.Join("j.jsonl"), "{\"text\":\"j\"}\n");
  std::vector<Rec> got = ReadPaths({dir.Join("j.jsonl"), dir.Join("d")}, dir.path());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].bytes, "{\"text\":\"j\"}");
  EXPECT_EQ(got[1].bytes, "text x");
  EXPECT_EQ(got[1].file, 1u);
}

TEST(InputSet, RewindGivesIdenticalRecords) {
  TempDir dir;
  Rng rng(4);
  std::string content = MakeJsonl(rng, 2000, 200) + "\n\n";
  WriteFile(dir.Join("r.jsonl"), content);
  WriteGzip(dir.Join("r.jsonl.gz"), content);
  fs::create_directories(dir.Join("t"));
  WriteFile(dir.Join("t/1.txt"), "one");
  WriteFile(dir.Join("t/2.txt"), "two");
  auto input = MustOpen({dir.Join("r.jsonl"), dir.Join("t"), dir.Join("r.jsonl.gz")}, dir.path());
  ASSERT_TRUE(input);
  std::vector<Rec> first = ReadAll(*input, 10000);
  ASSERT_EQ(first.size(), 2u * 2000 + 2);
  ASSERT_TRUE(input->Rewind().ok());
  std::vector<Rec> second = ReadAll(*input, 10000);
  EXPECT_TRUE(first == second);
  // Rewinding in the middle starts over too.
  ASSERT_TRUE(input->Rewind().ok());
  Batch batch;
  auto more = input->Next(&batch, 100);
  ASSERT_TRUE(more.ok() && *more);
  ASSERT_TRUE(input->Rewind().ok());
  EXPECT_TRUE(ReadAll(*input, 10000) == first);
}

// Standard input is read once and spooled, so Rewind works for it too.
TEST(InputSet, StdinIsSpooledForRewind) {
  TempDir dir;
  fs::create_directories(dir.Join("tmp"));
  std::string content = "{\"text\":\"from stdin\"}\n\n{\"id\":7,\"text\":\"second\"}\n";
  WriteFile(dir.Join("in.jsonl"), content);
  int saved = ::dup(0);
  ASSERT_GE(saved, 0);
  int fd = ::open(dir.Join("in.jsonl").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::dup2(fd, 0), 0);
  ::close(fd);
  {
    auto input = MustOpen({"-"}, dir.Join("tmp"));
    ASSERT_TRUE(input);
    ASSERT_EQ(input->files().size(), 1u);
    EXPECT_EQ(input->files()[0].kind, InputKind::kStdin);
    EXPECT_EQ(input->files()[0].display, "<stdin>");
    std::vector<Rec> first = ReadAll(*input, 1 << 20);
    EXPECT_EQ(first, ExpectedRecords(content, 0, 0));
    ASSERT_TRUE(input->Rewind().ok());
    EXPECT_EQ(ReadAll(*input, 1 << 20), first);
    // The scratch copy is unlinked as soon as it is made: nothing is left
    // in the folder even while it is in use, or after an interrupted run.
    EXPECT_TRUE(ListDir(dir.Join("tmp")).empty());
  }
  EXPECT_TRUE(ListDir(dir.Join("tmp")).empty());
  ASSERT_EQ(::dup2(saved, 0), 0);
  ::close(saved);
}

TEST(InputSet, OpenErrors) {
  TempDir dir;
  auto missing = InputSet::Open({dir.Join("missing.jsonl")}, dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find("missing.jsonl"), std::string::npos) << missing.status().message();
  auto none = InputSet::Open({}, dir.path());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  // One good and one missing file: the whole set fails to open.
  WriteFile(dir.Join("ok.jsonl"), "{\"text\":\"x\"}\n");
  EXPECT_FALSE(InputSet::Open({dir.Join("ok.jsonl"), dir.Join("nope.jsonl")}, dir.path()).ok());
  if (::geteuid() != 0) {  // root reads anything
    WriteFile(dir.Join("locked.jsonl"), "{\"text\":\"x\"}\n");
    ::chmod(dir.Join("locked.jsonl").c_str(), 0);
    auto locked = InputSet::Open({dir.Join("locked.jsonl")}, dir.path());
    ASSERT_FALSE(locked.ok());
    EXPECT_NE(locked.status().message().find("locked.jsonl"), std::string::npos);
  }
}

TEST(InputSet, CorruptCompressedInputIsAnErrorNamingTheFile) {
  TempDir dir;
  Rng rng(5);
  std::string content = MakeJsonl(rng, 500, 200);
  WriteGzip(dir.Join("whole.jsonl.gz"), content);
  std::string gz = ReadFile(dir.Join("whole.jsonl.gz"));
  WriteFile(dir.Join("cut.jsonl.gz"), gz.substr(0, gz.size() / 2));
  std::string zst = doppel_test::ZstdCompress(content);
  WriteFile(dir.Join("cut.jsonl.zst"), zst.substr(0, zst.size() / 2));
  WriteFile(dir.Join("garbage.jsonl.zst"), "this is not zstd at all\n");
  for (std::string name : {"cut.jsonl.gz", "cut.jsonl.zst", "garbage.jsonl.zst"}) {
    auto input = MustOpen({dir.Join(name)}, dir.path());
    ASSERT_TRUE(input);
    Batch batch;
    Status error;
    for (int i = 0; i < 100000; ++i) {
      auto more = input->Next(&batch, 4096);
      if (!more.ok()) {
        error = more.status();
        break;
      }
      if (!*more) break;
    }
    EXPECT_FALSE(error.ok()) << name << ": a damaged file must not read as a shorter one";
    EXPECT_NE(error.message().find(name), std::string::npos) << error.message();
  }
}

// ---------------------------------------------------------------------------
// RecordParser.

class ParserTest : public testing::Test {
 protected:
  // Parses `json` as line `line` of file "data.jsonl". The parser and the
  // record's buffer live until the next call: the document's text may be a
  // view into either.
  bool Parse(std::string_view json, uint64_t line = 12, FieldNames fields = FieldNames{}) {
    parser_ = std::make_unique<RecordParser>(std::move(fields));
    buffer_ = std::make_unique<std::string>(json);
    buffer_->append(Batch::kPadding, '\0');
    reason_.clear();
    return parser_->Parse(RawRecord{0, line, std::string_view(buffer_->data(), json.size())}, file_, &doc_,
                          &reason_);
  }
  InputFile file_{"/some/where/data.jsonl", "data.jsonl", "", InputKind::kJsonl, 0};
  Document doc_;
  std::string reason_;
  std::unique_ptr<RecordParser> parser_;
  std::unique_ptr<std::string> buffer_;
};

TEST_F(ParserTest, GoodRecord) {
  ASSERT_TRUE(Parse(R"({"id":"doc-1","text":"Hello\nworld \u00e9\t\"q\"","extra":[1,2,{"a":null}]})")) << reason_;
  EXPECT_EQ(doc_.id_json, "\"doc-1\"");
  EXPECT_EQ(doc_.text, "Hello\nworld é\t\"q\"");
}

TEST_F(ParserTest, EmptyTextIsADocument) {
  ASSERT_TRUE(Parse(R"({"id":1,"text":""})")) << reason_;
  EXPECT_EQ(doc_.text, "");
  EXPECT_EQ(doc_.id_json, "1");
}

TEST_F(ParserTest, NumericIdIsKeptAsANumber) {
  ASSERT_TRUE(Parse(R"({"id":17,"text":"x"})"));
  EXPECT_EQ(doc_.id_json, "17");
  ASSERT_TRUE(Parse(R"({"text":"x", "id" : 123456789012})"));
  EXPECT_EQ(doc_.id_json, "123456789012");
  ASSERT_TRUE(Parse(R"({"id":-5,"text":"x"})"));
  EXPECT_EQ(doc_.id_json, "-5");
}

TEST_F(ParserTest, StringIdIsReEscaped) {
  ASSERT_TRUE(Parse(R"({"id":"a\"b\\c\u00e9\n","text":"x"})"));
  EXPECT_EQ(doc_.id_json, "\"a\\\"b\\\\cé\\n\"");
}

TEST_F(ParserTest, MissingIdIsFileAndLine) {
  ASSERT_TRUE(Parse(R"({"text":"x"})", 12));
  EXPECT_EQ(doc_.id_json, "\"data.jsonl:12\"");
  ASSERT_TRUE(Parse(R"({"id":null,"text":"x"})", 3));
  EXPECT_EQ(doc_.id_json, "\"data.jsonl:3\"");
}

TEST_F(ParserTest, CustomFieldNames) {
  FieldNames f;
  f.id = "newid";
  f.text = "body";
  f.source = "url";
  ASSERT_TRUE(Parse(R"({"newid":9,"body":"the body","text":5,"url":"https://x.org/a"})", 1, f)) << reason_;
  EXPECT_EQ(doc_.id_json, "9");
  EXPECT_EQ(doc_.text, "the body");
  EXPECT_EQ(doc_.source, "https://x.org/a");
  // The default "id" field is not the id when another is named.
  ASSERT_TRUE(Parse(R"({"id":1,"body":"b"})", 4, f));
  EXPECT_EQ(doc_.id_json, "\"data.jsonl:4\"");
  EXPECT_EQ(doc_.source, "");
  // The missing field's name is in the reason.
  ASSERT_FALSE(Parse(R"({"text":"b"})", 4, f));
  EXPECT_NE(reason_.find("\"body\""), std::string::npos) << reason_;
}

TEST_F(ParserTest, NotJson) {
  for (std::string bad : {"not json at all", "{\"text\":\"unterminated}", "{\"text\":\"a\",}", "{\"text\" \"a\"}",
                          "{\"text\":\"a\"} trailing", "{'text':'single quotes'}"}) {
    EXPECT_FALSE(Parse(bad)) << bad;
    EXPECT_EQ(reason_.rfind("not JSON", 0), 0u) << bad << " -> " << reason_;
  }
}

TEST_F(ParserTest, InvalidUtf8) {
  for (std::string bad : {std::string("{\"text\":\"caf\xe9\"}"), std::string("{\"text\":\"\xff\xfe\"}"),
                          std::string("{\"text\":\"ok\",\"other\":\"\xc3\x28\"}"),
                          std::string("{\"text\":\"\xed\xa0\x80\"}")}) {  // an encoded surrogate
    EXPECT_FALSE(Parse(bad));
    EXPECT_NE(reason_.find("invalid UTF-8"), std::string::npos) << reason_;
  }
}

TEST_F(ParserTest, MissingTextField) {
  EXPECT_FALSE(Parse(R"({"id":1,"body":"x"})"));
  EXPECT_NE(reason_.find("no \"text\" field"), std::string::npos) << reason_;
  EXPECT_FALSE(Parse(R"({})"));
  EXPECT_NE(reason_.find("no \"text\" field"), std::string::npos) << reason_;
  // Only a top-level field counts.
  EXPECT_FALSE(Parse(R"({"meta":{"text":"nested"}})"));
  EXPECT_NE(reason_.find("no \"text\" field"), std::string::npos) << reason_;
}

TEST_F(ParserTest, NonStringText) {
  for (std::string bad : {R"({"text":5})", R"({"text":null})", R"({"text":["a"]})", R"({"text":{"a":"b"}})",
                          R"({"text":true})"}) {
    EXPECT_FALSE(Parse(bad)) << bad;
    EXPECT_NE(reason_.find("not a string"), std::string::npos) << bad << " -> " << reason_;
  }
}

TEST_F(ParserTest, NonObject) {
  for (std::string bad : {R"(["text","x"])", R"("text")", "42", "null", "true"}) {
    EXPECT_FALSE(Parse(bad)) << bad;
    EXPECT_NE(reason_.find("not a JSON object"), std::string::npos) << bad << " -> " << reason_;
  }
}

TEST_F(ParserTest, ReasonDoesNotCarryFileAndLine) {
  // The caller adds FILE:LINE; the reason alone must not.
  EXPECT_FALSE(Parse("nope", 99));
  EXPECT_EQ(reason_.find("data.jsonl"), std::string::npos) << reason_;
  EXPECT_EQ(Where(file_, 99), "data.jsonl:99");
}

TEST_F(ParserTest, TextFileRecord) {
  file_ = InputFile{"/x/docs/sub/a.txt", "/x/docs/sub/a.txt", "sub/a.txt", InputKind::kTextFile, 0};
  ASSERT_TRUE(Parse("Plain text, \"quotes\" and\nlines are not JSON.", 1)) << reason_;
  EXPECT_EQ(doc_.id_json, "\"sub/a.txt\"");
  EXPECT_EQ(doc_.text, "Plain text, \"quotes\" and\nlines are not JSON.");
  ASSERT_TRUE(Parse("", 1));
  EXPECT_EQ(doc_.text, "");
  EXPECT_FALSE(Parse("bad \xff byte", 1));
  EXPECT_NE(reason_.find("invalid UTF-8"), std::string::npos) << reason_;
}

TEST(AppendJsonString, RoundTripsThroughAJsonParser) {
  // Every ASCII byte and some multi-byte characters, escaped and parsed back
  // as the text of a record.
  std::string s;
  for (int c = 1; c < 128; ++c) s.push_back(static_cast<char>(c));
  s += "é日😀\u2028";
  std::string json = "{\"text\":";
  AppendJsonString(&json, s);
  json += "}";
  for (char c : json) EXPECT_GE(static_cast<unsigned char>(c), 0x20);  // control bytes are escaped
  RecordParser parser(FieldNames{});
  std::string buf = json + std::string(Batch::kPadding, '\0');
  InputFile file{"f", "f", "", InputKind::kJsonl, 0};
  Document doc;
  std::string reason;
  ASSERT_TRUE(parser.Parse(RawRecord{0, 1, std::string_view(buf.data(), json.size())}, file, &doc, &reason)) << reason;
  EXPECT_EQ(doc.text, s);
  std::string simple;
  AppendJsonString(&simple, "a\"b\\c\n");
  EXPECT_EQ(simple, "\"a\\\"b\\\\c\\n\"");
}

// ---------------------------------------------------------------------------
// OutputFile.

TEST(OutputFile, NothingAtTheTargetBeforeCommit) {
  TempDir dir;
  const std::string target = dir.Join("out.jsonl");
  auto f = OutputFile::Create(target);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ((*f)->path(), target);
  ASSERT_TRUE((*f)->Write("line one\n").ok());
  std::string big(3 << 20, 'x');  // more than any internal buffer
  ASSERT_TRUE((*f)->Write(big).ok());
  EXPECT_FALSE(fs::exists(target));
  // The bytes go to one hidden temporary file beside the target.
  std::vector<std::string> names = ListDir(dir.path());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0][0], '.');
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(ReadFile(target), "line one\n" + big);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"out.jsonl"});
  struct stat st;
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(OutputFile, UncommittedOutputIsRemoved) {
  TempDir dir;
  for (std::string name : {"a.jsonl", "b.jsonl.gz", "c.jsonl.zst"}) {
    {
      auto f = OutputFile::Create(dir.Join(name));
      ASSERT_TRUE(f.ok());
      ASSERT_TRUE((*f)->Write(std::string(2 << 20, 'y')).ok());
      EXPECT_EQ(ListDir(dir.path()).size(), 1u);
    }
    EXPECT_TRUE(ListDir(dir.path()).empty()) << name;
  }
}

TEST(OutputFile, UncommittedOutputLeavesAnExistingTargetAlone) {
  TempDir dir;
  WriteFile(dir.Join("keep.jsonl"), "old contents\n");
  {
    auto f = OutputFile::Create(dir.Join("keep.jsonl"));
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Write("new contents\n").ok());
    EXPECT_EQ(ReadFile(dir.Join("keep.jsonl")), "old contents\n");
  }
  EXPECT_EQ(ReadFile(dir.Join("keep.jsonl")), "old contents\n");
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"keep.jsonl"});
  // Committed, it replaces the old file.
  auto f = OutputFile::Create(dir.Join("keep.jsonl"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Write("new contents\n").ok());
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(ReadFile(dir.Join("keep.jsonl")), "new contents\n");
}

TEST(OutputFile, CompressedOutputsRoundTrip) {
  TempDir dir;
  Rng rng(6);
  std::string content = MakeJsonl(rng, 20000, 150);  // a few MB, several internal flushes
  for (std::string name : {"o.jsonl.gz", "o.jsonl.zst"}) {
    auto f = OutputFile::Create(dir.Join(name));
    ASSERT_TRUE(f.ok());
    // Written in pieces of varied size.
    size_t at = 0;
    while (at < content.size()) {
      size_t n = std::min<size_t>(content.size() - at, 1 + rng.Below(300000));
      ASSERT_TRUE((*f)->Write(std::string_view(content).substr(at, n)).ok());
      at += n;
    }
    ASSERT_TRUE((*f)->Commit().ok());
    std::string back = name.ends_with(".gz") ? ReadGzip(dir.Join(name)) : ReadZstd(dir.Join(name));
    EXPECT_TRUE(back == content) << name << ": " << back.size() << " vs " << content.size() << " bytes";
    EXPECT_LT(fs::file_size(dir.Join(name)), content.size()) << name;  // actually compressed
    // doppel reads its own output back.
    std::vector<Rec> records = ReadPaths({dir.Join(name)}, dir.path());
    EXPECT_EQ(records.size(), 20000u);
  }
}

TEST(OutputFile, CopyFromAFileGivesTheSameBytesAsWrite) {
  // Ranges large enough for the kernel copy and small ones that are read,
  // into plain, compressed and non-regular (a pipe) outputs.
  TempDir dir;
  Rng rng(5);
  std::string source(3 << 20, '\0');
  for (char& c : source) c = static_cast<char>('a' + rng.Below(26));
  WriteFile(dir.Join("src.txt"), source);
  const int fd = ::open(dir.Join("src.txt").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  const std::vector<std::pair<uint64_t, uint64_t>> ranges = {{0, 10}, {17, 200000}, {300000, 2 << 20}, {5, 0},
                                                             {(3 << 20) - 70000, 70000}};
  std::string want = "head\n";
  for (auto [off, len] : ranges) want += source.substr(off, len) + "|";
  for (std::string name : {"plain.txt", "packed.txt.gz", "packed.txt.zst"}) {
    auto f = OutputFile::Create(dir.Join(name));
    ASSERT_TRUE(f.ok()) << f.status().message();
    ASSERT_TRUE((*f)->Write("head\n").ok());
    for (auto [off, len] : ranges) {
      Status st = (*f)->CopyFrom(fd, off, len);
      ASSERT_TRUE(st.ok()) << name << ": " << st.message();
      ASSERT_TRUE((*f)->Write("|").ok());
    }
    ASSERT_TRUE((*f)->Commit().ok());
    std::string got = name == "plain.txt" ? ReadFile(dir.Join(name))
                      : name == "packed.txt.gz" ? ReadGzip(dir.Join(name))
                                                : ReadZstd(dir.Join(name));
    EXPECT_TRUE(got == want) << name << ": " << got.size() << " bytes, want " << want.size();
  }
  // A pipe: what the kernel copy cannot write to is read and written.
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  std::string from_pipe;
  std::thread reader([&] {
    char buf[1 << 16];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0) from_pipe.append(buf, static_cast<size_t>(n));
  });
  {
    auto f = OutputFile::Create("/dev/fd/" + std::to_string(p[1]));
    ASSERT_TRUE(f.ok()) << f.status().message();
    ASSERT_TRUE((*f)->Write("head\n").ok());
    for (auto [off, len] : ranges) {
      ASSERT_TRUE((*f)->CopyFrom(fd, off, len).ok());
      ASSERT_TRUE((*f)->Write("|").ok());
    }
    ASSERT_TRUE((*f)->Commit().ok());
  }
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  ::close(fd);
  EXPECT_TRUE(from_pipe == want) << from_pipe.size() << " bytes, want " << want.size();
}

TEST(OutputFile, EmptyOutputs) {
  TempDir dir;
  for (std::string name : {"e.jsonl", "e.jsonl.gz", "e.jsonl.zst"}) {
    auto f = OutputFile::Create(dir.Join(name));
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Commit().ok());
    ASSERT_TRUE(fs::exists(dir.Join(name)));
  }
  EXPECT_EQ(fs::file_size(dir.Join("e.jsonl")), 0u);
  EXPECT_EQ(ReadGzip(dir.Join("e.jsonl.gz")), "");
  EXPECT_EQ(ReadZstd(dir.Join("e.jsonl.zst")), "");
}

TEST(OutputFile, BadTargets) {
  TempDir dir;
  auto missing_dir = OutputFile::Create(dir.Join("no/such/folder/out.jsonl"));
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing_dir.status().message().find("out.jsonl"), std::string::npos);
  fs::create_directories(dir.Join("folder"));
  auto folder = OutputFile::Create(dir.Join("folder"));
  EXPECT_FALSE(folder.ok());
  EXPECT_TRUE(fs::is_directory(dir.Join("folder")));
}

}  // namespace
}  // namespace doppel
