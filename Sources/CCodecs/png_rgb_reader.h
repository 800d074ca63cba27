// A PNG to 8-bit RGB reader on libpng's full API, kept in C because libpng reports errors with
// longjmp, which must never cross Swift frames: every setjmp/longjmp pair lives in this file.
//
// Conversions follow Pillow's `Image.open(path).convert("RGB")`:
//   palette -> palette colours; 1/2/4-bit grey -> scaled to 0...255; grey -> replicated;
//   alpha channels and tRNS -> dropped (not composited); 16-bit colour or grey+alpha -> high byte;
//   16-bit grey without alpha -> clipped to 255 (Pillow's "I;16" to "RGB" conversion);
//   gAMA, cHRM, sRGB and iCCP chunks -> ignored (no colour management).
#ifndef CLIPKIT_PNG_RGB_READER_H
#define CLIPKIT_PNG_RGB_READER_H

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/// The bytes being read and the first error libpng reported.
typedef struct {
    const unsigned char *bytes;
    size_t count;
    size_t position;
    char message[256];
} clipkit_png_reader_state;

static void clipkit_png_read_bytes(png_structp png, png_bytep destination, size_t length) {
    clipkit_png_reader_state *state = (clipkit_png_reader_state *)png_get_io_ptr(png);
    if (length > state->count - state->position) {
        png_error(png, "the file ends early (truncated PNG data)");
    }
    memcpy(destination, state->bytes + state->position, length);
    state->position += length;
}

static void clipkit_png_record_error(png_structp png, png_const_charp message) {
    clipkit_png_reader_state *state = (clipkit_png_reader_state *)png_get_error_ptr(png);
    if (state->message[0] == 0) {
        snprintf(state->message, sizeof state->message, "%s", message ? message : "unknown libpng error");
    }
    png_longjmp(png, 1);
}

static void clipkit_png_ignore_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/// Decodes `count` bytes of PNG into `pixels` (`width * height * 3` bytes, interleaved RGB).
/// `width` and `height` are the dimensions the caller read from IHDR and allocated for; a file
/// whose IHDR disagrees is rejected. Returns 0 on success; otherwise 1 with `message` filled
/// (at most 256 bytes including the terminating zero).
static inline int clipkit_png_decode_rgb8(const unsigned char *bytes, size_t count,
                                          unsigned char *pixels, uint32_t width, uint32_t height,
                                          char *message) {
    clipkit_png_reader_state state;
    memset(&state, 0, sizeof state);
    state.bytes = bytes;
    state.count = count;
    message[0] = 0;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state,
                                             clipkit_png_record_error, clipkit_png_ignore_warning);
    if (png == NULL) {
        snprintf(message, 256, "libpng could not allocate a reader");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, 256, "libpng could not allocate an info structure");
        return 1;
    }
    // Written after setjmp and read after longjmp, hence volatile.
    png_bytepp volatile rows = NULL;

    if (setjmp(png_jmpbuf(png))) {
        if (rows != NULL) png_free(png, rows);
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(message, 256, "%s", state.message[0] ? state.message : "libpng failed");
        return 1;
    }

    png_set_read_fn(png, &state, clipkit_png_read_bytes);
    png_read_info(png, info);

    png_uint_32 fileWidth = 0, fileHeight = 0;
    int bitDepth = 0, colorType = 0, interlace = 0;
    png_get_IHDR(png, info, &fileWidth, &fileHeight, &bitDepth, &colorType, &interlace, NULL, NULL);
    if (fileWidth != width || fileHeight != height) {
        png_error(png, "IHDR dimensions changed between reads");
    }

    // Pillow keeps 16-bit grey as "I;16" and clips it to 255 when converting to RGB; read those
    // samples whole and clip below. Every other 16-bit layout keeps the high byte.
    const int clipSixteenBitGrey = (colorType == PNG_COLOR_TYPE_GRAY && bitDepth == 16);

    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bitDepth == 16 && !clipSixteenBitGrey) png_set_strip_16(png);
    if (!clipSixteenBitGrey && (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA)) {
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);

    const size_t expectedRowBytes = clipSixteenBitGrey ? (size_t)width * 2 : (size_t)width * 3;
    if (png_get_rowbytes(png, info) != expectedRowBytes) {
        png_error(png, "unexpected row layout after conversion to RGB");
    }

    // Rows are laid out at the final RGB stride; 16-bit grey rows (2 bytes a pixel) fit inside.
    rows = (png_bytepp)png_malloc(png, sizeof(png_bytep) * (size_t)height);
    for (png_uint_32 y = 0; y < height; y++) {
        rows[y] = pixels + (size_t)y * (size_t)width * 3;
    }
    png_read_image(png, rows);

    if (clipSixteenBitGrey) {
        for (png_uint_32 y = 0; y < height; y++) {
            unsigned char *row = rows[y];
            // Backwards, so each 2-byte sample is read before its 3-byte pixel overwrites it.
            for (size_t x = width; x-- > 0;) {
                const unsigned char high = row[2 * x];
                const unsigned char low = row[2 * x + 1];
                const unsigned char value = high == 0 ? low : 255;
                row[3 * x] = value;
                row[3 * x + 1] = value;
                row[3 * x + 2] = value;
            }
        }
    }

    png_free(png, rows);
    rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

#endif
