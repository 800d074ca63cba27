// Debian's link-grammar (liblink-grammar-dev 5.12): the English link parser's C API, with each
// word's character offsets in the sentence (linkage_get_word_char_start/end).
#include <link-grammar/link-includes.h>
