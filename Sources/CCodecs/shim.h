// Image codecs (libjpeg-turbo's TurboJPEG API, libpng's simplified API, libwebp) and zlib,
// used for deflated entries of zip archives.
#include <turbojpeg.h>
#include <png.h>
#include <webp/decode.h>
#include <zlib.h>
// Pillow-compatible PNG to RGB reading on libpng's full API (setjmp stays in C).
#include "png_rgb_reader.h"
