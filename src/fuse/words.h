// The words of a cleaned copy, as fusion aligns and votes on them.
//
// A word is a whitespace-separated piece of the cleaned text with at least
// one token; its identity is the sequence of its normalized tokens, so
// "Kim’s" and "Kim's" are one word. A piece of punctuation only ("." "“”"
// "—") is glued onto the word before it on the same line, so that it
// travels with it into the fused text.
//
// Flags record what the layout says:
//   brk          the word starts a line (in a copy that keeps its lines;
//                never the copy's first word, which may start mid-paragraph);
//   hole_after   a hole is visible right after the word: punctuation left
//                where a word was lost (" ." "“”" "()"), a next line that
//                starts in lower case, or a line that stops mid-sentence;
//   hole_before  the word starts a line right after such a hole (the lost
//                text began the paragraph, so the break belongs before it).
//
// Linear in the text; thread-safe.
#ifndef DOPPEL_FUSE_WORDS_H_
#define DOPPEL_FUSE_WORDS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace doppel {

struct Word {
  uint64_t norm;        // identity of the normalized tokens
  uint32_t begin, end;  // bytes of the cleaned text, glued punctuation included
  bool brk;
  bool hole_after;
  bool hole_before;
};

std::vector<Word> CopyWords(std::string_view text, bool lined);

}  // namespace doppel

#endif  // DOPPEL_FUSE_WORDS_H_
