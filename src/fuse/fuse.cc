// Fusion: one text per cluster from the cleaned copies of its documents.
//
// Progressive word alignment (see docs/design.md, "Fusion"):
//  1. each cleaned copy becomes a list of words with layout flags
//     (fuse/words.h);
//  2. copies are merged longest first into a sequence of columns, each
//     holding one vote per copy that has that word there (fuse/align.h);
//  3. a copy covers the columns from its first to its last vote, so a
//     truncated copy, or one without the lead, does not vote against them;
//  4. a column is kept when most covering copies have it; on a tie, when
//     the longest copy has it, when it lies in a run of words the longest
//     copy lacks (a lost link text), or when a copy lacking it shows a hole
//     right there; in clusters of kLoneMinCopies or more, of a stretch only
//     one copy covers only the lines that read as prose stay, with the
//     lines between them and the line just before the first (a headline,
//     if the lead is there);
//  5. a kept column shows its most common spelling, after a line break
//     when at least half of the copies with lines start a line there.
// Every emitted word is a slice of one copy's original text; consecutive
// words of one copy make one provenance span.
#include <algorithm>

#include <tbb/parallel_for.h>

#include "clean/junk.h"
#include "clean/segment.h"
#include "cluster/groups.h"
#include "doppel/fuse.h"
#include "fuse/align.h"
#include "fuse/words.h"

namespace doppel {
namespace {

// In clusters of at least this many copies, the others agree on where the
// story starts and ends, so a stretch that one copy alone covers and that is
// not prose (a "Related stories" heading, a share line) is page chrome. With
// two copies there is no majority to tell.
constexpr uint32_t kLoneMinCopies = 3;

struct Copy {
  uint32_t doc;
  bool lined;
  const CleanedDocument* cleaned;
  std::vector<Word> words;
  std::string_view Surface(const Word& w) const {
    return std::string_view(cleaned->text).substr(w.begin, w.end - w.begin);
  }
};

struct Vote {
  uint32_t copy;  // index into the cluster's copies (longest first)
  uint32_t word;
};

struct Column {
  uint64_t norm;
  std::vector<Vote> votes;  // in copy order, at most one per copy
};

// Merges copy c into the fused sequence `seq` of columns (progressive step).
void MergeCopy(const Copy& copy, uint32_t c, const FuseOptions& opt, std::vector<Column>* columns,
               std::vector<uint32_t>* seq) {
  std::vector<uint64_t> a(seq->size()), b(copy.words.size());
  for (size_t i = 0; i < seq->size(); ++i) a[i] = (*columns)[(*seq)[i]].norm;
  for (size_t j = 0; j < copy.words.size(); ++j) b[j] = copy.words[j].norm;
  std::vector<WordPair> pairs;
  AlignWords(a, b, opt.anchor_ngram, opt.diff_budget, &pairs);
  std::vector<uint32_t> out;
  out.reserve(seq->size() + b.size());
  size_t next = 0, p = 0;  // next fused column to emit; next pair
  for (uint32_t j = 0; j < b.size(); ++j) {
    uint32_t col;
    if (p < pairs.size() && pairs[p].second == j) {
      const uint32_t i = pairs[p++].first;
      while (next <= i) out.push_back((*seq)[next++]);
      col = (*seq)[i];
    } else {  // a word the fused text lacks: a new column right here
      col = static_cast<uint32_t>(columns->size());
      columns->push_back({b[j], {}});
      out.push_back(col);
    }
    (*columns)[col].votes.push_back({c, j});
  }
  while (next < seq->size()) out.push_back((*seq)[next++]);
  seq->swap(out);
}

bool HasVote(const Column& col, uint32_t c) {
  return std::any_of(col.votes.begin(), col.votes.end(), [c](const Vote& v) { return v.copy == c; });
}

bool SameVoters(const Column& x, const Column& y) {
  return std::equal(x.votes.begin(), x.votes.end(), y.votes.begin(), y.votes.end(),
                    [](const Vote& p, const Vote& q) { return p.copy == q.copy; });
}

// Which columns (positions in `seq`) the fused text keeps (steps 3 and 4).
std::vector<uint8_t> KeepColumns(const std::vector<Copy>& copies, const std::vector<Column>& columns,
                                 const std::vector<uint32_t>& seq, const FuseOptions& opt) {
  const auto nc = static_cast<uint32_t>(copies.size());
  const size_t ncol = seq.size();
  // Coverage: copy c covers positions [first[c], last[c]].
  std::vector<int64_t> first(nc, -1), last(nc, -1);
  for (size_t i = 0; i < ncol; ++i) {
    for (const Vote& v : columns[seq[i]].votes) {
      if (first[v.copy] < 0) first[v.copy] = static_cast<int64_t>(i);
      last[v.copy] = static_cast<int64_t>(i);
    }
  }
  std::vector<int> events(ncol + 1, 0);
  for (uint32_t c = 0; c < nc; ++c) {
    if (first[c] < 0) continue;
    ++events[static_cast<size_t>(first[c])];
    --events[static_cast<size_t>(last[c]) + 1];
  }
  // Runs of consecutive columns that the base copy (0) lacks, voted by the
  // same copies.
  std::vector<uint32_t> run(ncol, 0);
  for (size_t i = 0; i < ncol;) {
    size_t j = i + 1;
    if (!HasVote(columns[seq[i]], 0)) {
      while (j < ncol && !HasVote(columns[seq[j]], 0) && SameVoters(columns[seq[j]], columns[seq[i]])) ++j;
      std::fill(run.begin() + static_cast<std::ptrdiff_t>(i), run.begin() + static_cast<std::ptrdiff_t>(j),
                static_cast<uint32_t>(j - i));
    }
    i = j;
  }
  std::vector<uint8_t> keep(ncol, 0);
  std::vector<int64_t> last_word(nc, -1);  // each copy's latest word so far
  int cover = 0;
  for (size_t i = 0; i < ncol; ++i) {
    const Column& col = columns[seq[i]];
    cover += events[i];
    const int v = static_cast<int>(col.votes.size());
    bool k = 2 * v > cover;
    if (!k && 2 * v == cover) {
      k = HasVote(col, 0) || run[i] >= static_cast<uint32_t>(opt.tie_run);
      for (uint32_t c = 0; c < nc && !k; ++c) {
        k = last_word[c] >= 0 && static_cast<int64_t>(i) <= last[c] && !HasVote(col, c) &&
            copies[c].words[static_cast<size_t>(last_word[c])].hole_after;
      }
    }
    keep[i] = k;
    for (const Vote& vote : col.votes) last_word[vote.copy] = vote.word;
  }
  // A stretch that only one copy covers, in a cluster of three or more:
  // the others agree on where the story begins and ends, so what one copy
  // alone has beyond them is page chrome unless it reads as prose.
  if (nc >= kLoneMinCopies) {
    int depth = 0;
    std::vector<int> cover_at(ncol);
    for (size_t i = 0; i < ncol; ++i) cover_at[i] = depth += events[i];
    for (size_t i = 0; i < ncol;) {
      size_t j = i;
      while (j < ncol && cover_at[j] == 1 && columns[seq[j]].votes.size() == 1) ++j;
      if (j == i) {
        ++i;
        continue;
      }
      // Judged a line at a time (a line ends where the copy starts one or
      // where the voting copy changes; a copy without lines is one line): a
      // block of menu lines is long, but none of its lines reads as prose.
      // Lines between two that do (a subheading in the story's tail that
      // one copy alone kept) stay with them, and so does the line just
      // before the first, whatever it is (the headline of a lead that the
      // other copies lack). A first or last line may be the end or the
      // start of a line whose rest is outside the stretch; it is judged on
      // its own words (bench/README.md, "Fusion: lone stretches a line at
      // a time").
      std::vector<std::pair<size_t, size_t>> lines;  // [begin, end) columns
      std::vector<char> prose;
      for (size_t a = i; a < j;) {
        const Vote& first_vote = columns[seq[a]].votes[0];
        const Copy& c = copies[first_vote.copy];
        size_t b = a + 1;
        while (b < j && columns[seq[b]].votes[0].copy == first_vote.copy &&
               !c.words[columns[seq[b]].votes[0].word].brk) {
          ++b;
        }
        const Word& w0 = c.words[first_vote.word];
        const Word& w1 = c.words[columns[seq[b - 1]].votes[0].word];
        lines.emplace_back(a, b);
        prose.push_back(IsProse(std::string_view(c.cleaned->text).substr(w0.begin, w1.end - w0.begin), b - a));
        a = b;
      }
      // Kept: lines lo..hi (lo the line before the first prose line).
      const size_t first = static_cast<size_t>(std::find(prose.begin(), prose.end(), 1) - prose.begin());
      const size_t lo = first == 0 ? 0 : first - 1;
      const size_t hi = prose.size() - 1 - static_cast<size_t>(std::find(prose.rbegin(), prose.rend(), 1) - prose.rbegin());
      for (size_t l = 0; l < lines.size(); ++l) {
        if (first == prose.size() || l < lo || l > hi) std::fill(keep.begin() + lines[l].first, keep.begin() + lines[l].second, 0);
      }
      i = j;
    }
  }
  return keep;
}

// Line-break votes per position (step 5). A copy's break before a word that
// follows a hole ("…imperialism.\n, were calculated") moves to just after
// the copy's previous word: the lost text opened the paragraph.
struct Breaks {
  std::vector<uint32_t> yes;     // votes for a break before the column
  std::vector<uint32_t> voters;  // copies with lines that have a say
  std::vector<uint32_t> moved;   // moved breaks: before the first kept column from here on
};

Breaks BreakVotes(const std::vector<Copy>& copies, const std::vector<Column>& columns,
                  const std::vector<uint32_t>& seq) {
  const size_t ncol = seq.size();
  Breaks br{std::vector<uint32_t>(ncol, 0), std::vector<uint32_t>(ncol, 0), std::vector<uint32_t>(ncol, 0)};
  std::vector<std::vector<uint32_t>> pos(copies.size());
  for (size_t c = 0; c < copies.size(); ++c) pos[c].resize(copies[c].words.size());
  for (size_t i = 0; i < ncol; ++i) {
    for (const Vote& v : columns[seq[i]].votes) pos[v.copy][v.word] = static_cast<uint32_t>(i);
  }
  for (size_t c = 0; c < copies.size(); ++c) {
    if (!copies[c].lined) continue;
    const std::vector<Word>& words = copies[c].words;
    // The first word abstains: a copy may begin mid-paragraph.
    for (size_t j = 1; j < words.size(); ++j) {
      const uint32_t at = pos[c][j];
      ++br.voters[at];
      if (words[j].brk && words[j].hole_before && pos[c][j - 1] + 1 < at) {
        ++br.moved[pos[c][j - 1] + 1];
      } else {
        br.yes[at] += words[j].brk;
      }
    }
  }
  return br;
}

// Byte offset -> code point offset of one text, for any query order.
std::vector<uint32_t> CodePointIndex(std::string_view text) {
  std::vector<uint32_t> cp(text.size() + 1);
  uint32_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    cp[i] = count;
    count += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  cp[text.size()] = count;
  return cp;
}

// Appends the provenance of fused [fused_cp, ...) = cleaned [a, b) (code
// points of doc's cleaned text), split where the cleaned text joins pieces.
void AddSpans(const CleanedDocument& cleaned, uint32_t doc, uint32_t fused_cp, uint32_t a, uint32_t b,
              std::vector<FusedSpan>* out) {
  auto it = std::upper_bound(cleaned.pieces.begin(), cleaned.pieces.end(), a,
                             [](uint32_t x, const CleanedDocument::Piece& p) { return x < p.clean_start; });
  if (it != cleaned.pieces.begin()) --it;
  for (; it != cleaned.pieces.end() && it->clean_start < b; ++it) {
    uint32_t s = std::max(a, it->clean_start), e = std::min(b, it->clean_end);
    if (s >= e) continue;
    out->push_back({fused_cp + (s - a), fused_cp + (e - a), doc, it->orig_start + (s - it->clean_start),
                    it->orig_start + (e - it->clean_start)});
  }
}

// Writes the kept columns (step 5) with their provenance.
void Emit(const std::vector<Copy>& copies, const std::vector<Column>& columns, const std::vector<uint32_t>& seq,
          const std::vector<uint8_t>& keep, const Breaks& br, FusedText* out) {
  std::vector<std::vector<uint32_t>> cp_index(copies.size());
  for (size_t c = 0; c < copies.size(); ++c) cp_index[c] = CodePointIndex(copies[c].cleaned->text);
  // The span being built: copy, its last word, fused and cleaned code points.
  struct Open {
    uint32_t copy = UINT32_MAX, word = 0, fused_cp = 0, clean_a = 0, clean_b = 0;
  } open;
  auto flush = [&]() {
    if (open.copy == UINT32_MAX) return;
    const Copy& cp = copies[open.copy];
    AddSpans(*cp.cleaned, cp.doc, open.fused_cp, open.clean_a, open.clean_b, &out->sources);
    open.copy = UINT32_MAX;
  };
  uint32_t fused_cp = 0, moved = 0;
  for (size_t i = 0; i < seq.size(); ++i) {
    moved += br.moved[i];
    if (!keep[i]) continue;
    const Column& col = columns[seq[i]];
    // The most common spelling; among equals, one without a hole after it
    // (its glued punctuation is what a lost word left), then the longer
    // copy's.
    const Vote* best = &col.votes[0];
    size_t best_score = 0;
    for (const Vote& x : col.votes) {
      const Word& wx = copies[x.copy].words[x.word];
      std::string_view s = copies[x.copy].Surface(wx);
      size_t count = 0;
      for (const Vote& y : col.votes) count += copies[y.copy].Surface(copies[y.copy].words[y.word]) == s;
      const size_t score = 2 * count + !wx.hole_after;
      if (score > best_score) {
        best_score = score;
        best = &x;
      }
    }
    const uint32_t yes = br.yes[i] + moved, voters = br.voters[i] + moved;
    moved = 0;
    std::string_view sep = out->text.empty() ? "" : (yes > 0 && 2 * yes >= voters ? "\n" : " ");

    const Copy& bc = copies[best->copy];
    const Word& w = bc.words[best->word];
    const std::vector<uint32_t>& cpi = cp_index[best->copy];
    // Extend the open span when the cleaned text goes on exactly as the
    // fused text does (the next word, after the same space).
    const bool extend = open.copy == best->copy && best->word == open.word + 1 && sep == " " &&
                        std::string_view(bc.cleaned->text)
                                .substr(bc.words[open.word].end, w.begin - bc.words[open.word].end) == sep;
    out->text.append(sep);
    fused_cp += static_cast<uint32_t>(sep.size());
    if (extend) {
      open.word = best->word;
      open.clean_b = cpi[w.end];
    } else {
      flush();
      open = {best->copy, best->word, fused_cp, cpi[w.begin], cpi[w.end]};
    }
    out->text.append(bc.Surface(w));
    fused_cp += cpi[w.end] - cpi[w.begin];
  }
  flush();
}

FusedText FuseOne(const Corpus& corpus, const std::vector<uint32_t>& members,
                  const std::vector<CleanedDocument>& cleaned, const FuseOptions& opt) {
  FusedText out;
  if (members.size() == 1) {  // a cluster of one: its cleaned text
    const CleanedDocument& cd = cleaned[members[0]];
    out.text = cd.text;
    for (const auto& p : cd.pieces) {
      out.sources.push_back({p.clean_start, p.clean_end, members[0], p.orig_start, p.orig_end});
    }
    return out;
  }
  std::vector<Copy> copies;
  for (uint32_t d : members) {
    const bool lined = IsLined(corpus.docs[d].text);
    copies.push_back({d, lined, &cleaned[d], CopyWords(cleaned[d].text, lined)});
  }
  // Longest first (ties: input order), so the base is the most complete copy.
  std::stable_sort(copies.begin(), copies.end(),
                   [](const Copy& x, const Copy& y) { return x.words.size() > y.words.size(); });
  std::vector<Column> columns;
  std::vector<uint32_t> seq;
  for (uint32_t c = 0; c < copies.size(); ++c) MergeCopy(copies[c], c, opt, &columns, &seq);
  Emit(copies, columns, seq, KeepColumns(copies, columns, seq, opt), BreakVotes(copies, columns, seq), &out);
  return out;
}

}  // namespace

std::vector<FusedText> FuseClusters(const Corpus& corpus, const std::vector<uint32_t>& cluster,
                                    const std::vector<CleanedDocument>& cleaned, const FuseOptions& options) {
  const std::vector<std::vector<uint32_t>> groups = ClusterGroups(cluster);
  std::vector<FusedText> out(groups.size());
  tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
    out[g] = FuseOne(corpus, groups[g], cleaned, options);
    out[g].cluster = cluster[groups[g][0]];
    out[g].representative = groups[g][0];
  });
  return out;
}

}  // namespace doppel
