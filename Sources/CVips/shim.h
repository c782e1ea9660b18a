// libvips through a few plain functions: vips' own calls are variadic (option lists ending in
// NULL), which Swift cannot call, so each use the project has is wrapped here once.
#ifndef EAGLEHURST_CVIPS_SHIM_H
#define EAGLEHURST_CVIPS_SHIM_H

#include <vips/vips.h>
#include <string.h>

/// libvips' warnings (a damaged file's "error in tile …") would go to stderr, into the server's
/// log or across the terminal client's screen; every failure is reported through vips_error anyway.
/// GLib sends them (structured or not) through one writer for the process: it drops libvips'
/// warnings and passes everything else on.
static inline GLogWriterOutput eh_vips_log_writer(GLogLevelFlags level, const GLogField *fields, gsize count, gpointer data) {
    if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))) {
        for (gsize i = 0; i < count; i++) {
            if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0 && fields[i].value
                && strcmp((const char *)fields[i].value, "VIPS") == 0) return G_LOG_WRITER_HANDLED;
        }
    }
    return g_log_writer_default(level, fields, count, data);
}

/// Starts libvips once per process (safe to call again). 0 on success.
static inline int eh_vips_start(void) {
    static int started = 0;
    static int result = 0;
    if (__atomic_load_n(&started, __ATOMIC_ACQUIRE)) return result;
    result = VIPS_INIT("eaglehurst");
    if (result == 0) {
        // GLib allows one writer per process, and each Swift module importing this header has its
        // own copy of this function's statics: a GLib quark (process-wide) marks it installed.
        if (!g_quark_try_string("eaglehurst-vips-log-writer")) {
            g_quark_from_static_string("eaglehurst-vips-log-writer");
            g_log_set_writer_func(eh_vips_log_writer, NULL, NULL);
        }
        vips_concurrency_set(1);
        vips_cache_set_max(0);
    }
    __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    return result;
}

/// The last error on this thread as text (copied into `buffer`), and clears it.
static inline void eh_vips_take_error(char *buffer, size_t size) {
    const char *text = vips_error_buffer();
    if (size > 0) {
        strncpy(buffer, text ? text : "", size - 1);
        buffer[size - 1] = 0;
    }
    vips_error_clear();
}

/// Frees a buffer handed out by the functions below.
static inline void eh_vips_free(void *pointer) { g_free(pointer); }

/// The EXIF orientation libvips read (1–8; 1 when there is none).
static inline int eh_vips_orientation(VipsImage *image) {
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION)) vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation);
    return orientation;
}

/// The size of an opened image with its EXIF orientation applied; releases the image. 0 on success.
static inline int eh_vips_oriented_size(VipsImage *image, int *width, int *height) {
    if (!image) return -1;
    int w = vips_image_get_width(image), h = vips_image_get_height(image);
    int orientation = eh_vips_orientation(image);
    if (orientation >= 5 && orientation <= 8) { int t = w; w = h; h = t; }
    *width = w; *height = h;
    g_object_unref(image);
    return 0;
}

/// The size of an image (EXIF orientation applied) without decoding its pixels. 0 on success.
static inline int eh_vips_probe(const void *data, size_t length, int *width, int *height) {
    return eh_vips_oriented_size(vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL), width, height);
}

/// Returned when an evaluation was stopped at its time limit.
#define EH_VIPS_TIMED_OUT (-2)

/// An "eval" handler: stops the evaluation once the monotonic clock (g_get_monotonic_time) passes
/// the deadline `data` points to. libvips reports progress, and checks the kill flag, between the
/// strips it computes.
static inline void eh_vips_stop_at_deadline(VipsImage *image, VipsProgress *progress, void *data) {
    (void)progress;
    if (g_get_monotonic_time() >= *(const gint64 *)data) vips_image_set_kill(image, TRUE);
}

/// A JPEG no wider than `width` and no higher than `height` (never enlarged), EXIF orientation
/// applied, metadata stripped, sRGB. The decoding and shrinking stop after `time_limit_ms`
/// (negative: no limit) with EH_VIPS_TIMED_OUT. The result is in `*out` (free with eh_vips_free).
/// 0 on success.
static inline int eh_vips_thumbnail_jpeg(const void *data, size_t length, int width, int height, int quality, int time_limit_ms,
                                         void **out, size_t *out_length, int *out_width, int *out_height) {
    VipsImage *header = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!header) return -1;
    int orientation = eh_vips_orientation(header);
    g_object_unref(header);
    // Shrunk unrotated (the box turned to match), copied to memory under the time limit, and only
    // then rotated: vips_thumbnail's own rotation would decode the whole picture into memory inside
    // the call, before any progress is reported, out of the time limit's reach.
    int sideways = orientation >= 5 && orientation <= 8;
    VipsImage *shrunk = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &shrunk, sideways ? height : width, "height", sideways ? width : height,
                              "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL)) return -1;
    gint64 deadline = time_limit_ms < 0 ? G_MAXINT64 : g_get_monotonic_time() + (gint64)time_limit_ms * 1000;
    vips_image_set_progress(shrunk, TRUE);
    gulong handler = g_signal_connect(shrunk, "eval", G_CALLBACK(eh_vips_stop_at_deadline), &deadline);
    VipsImage *small = vips_image_copy_memory(shrunk);
    g_signal_handler_disconnect(shrunk, handler);
    g_object_unref(shrunk);
    if (!small) return g_get_monotonic_time() >= deadline ? EH_VIPS_TIMED_OUT : -1;
    // libvips reports progress ("eval") only between strips and at its own intervals, so a small
    // picture can be shrunk in one go without the handler ever looking at the clock: the limit is
    // also checked once the work is done, and a thumbnail past it is refused like one stopped inside.
    if (g_get_monotonic_time() >= deadline) { g_object_unref(small); return EH_VIPS_TIMED_OUT; }
    vips_image_set_progress(small, FALSE);
    VipsImage *thumb = NULL;
    int failed = vips_autorot(small, &thumb, NULL);
    g_object_unref(small);
    if (failed) return -1;
    VipsImage *flat = NULL;
    if (vips_image_hasalpha(thumb)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        failed = vips_flatten(thumb, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        g_object_unref(thumb);
        if (failed) return -1;
    } else {
        flat = thumb;
    }
    *out_width = vips_image_get_width(flat);
    *out_height = vips_image_get_height(flat);
    failed = vips_jpegsave_buffer(flat, out, out_length, "Q", quality, "strip", TRUE, "interlace", TRUE, NULL);
    g_object_unref(flat);
    return failed ? -1 : 0;
}

/// The image's pixels as packed 8-bit RGB, fitted within `width` × `height` (never enlarged),
/// orientation applied, transparency over `background` (0xRRGGBB). `*out` holds
/// `*out_width * *out_height * 3` bytes (free with eh_vips_free). 0 on success.
static inline int eh_vips_decode_rgb(const void *data, size_t length, int width, int height, unsigned int background,
                                     unsigned char **out, int *out_width, int *out_height) {
    VipsImage *thumb = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &thumb, width, "height", height, "size", VIPS_SIZE_DOWN, NULL)) return -1;
    VipsImage *image = thumb, *next = NULL;
    if (vips_image_get_interpretation(image) != VIPS_INTERPRETATION_sRGB) {
        if (vips_colourspace(image, &next, VIPS_INTERPRETATION_sRGB, NULL)) { g_object_unref(image); return -1; }
        g_object_unref(image); image = next; next = NULL;
    }
    if (vips_image_hasalpha(image)) {
        VipsArrayDouble *bg = vips_array_double_newv(3, (double)((background >> 16) & 255),
                                                     (double)((background >> 8) & 255), (double)(background & 255));
        int failed = vips_flatten(image, &next, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        g_object_unref(image);
        if (failed) return -1;
        image = next; next = NULL;
    }
    if (vips_image_get_bands(image) > 3) {
        if (vips_extract_band(image, &next, 0, "n", 3, NULL)) { g_object_unref(image); return -1; }
        g_object_unref(image); image = next; next = NULL;
    }
    if (vips_image_get_format(image) != VIPS_FORMAT_UCHAR) {
        if (vips_cast_uchar(image, &next, NULL)) { g_object_unref(image); return -1; }
        g_object_unref(image); image = next; next = NULL;
    }
    size_t size = 0;
    void *pixels = vips_image_write_to_memory(image, &size);
    int w = vips_image_get_width(image), h = vips_image_get_height(image), bands = vips_image_get_bands(image);
    g_object_unref(image);
    if (!pixels) return -1;
    if (bands == 3) {
        *out = pixels;
    } else {
        // One band (grey): spread to RGB.
        unsigned char *rgb = g_malloc((size_t)w * h * 3);
        for (size_t i = 0; i < (size_t)w * h; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = ((unsigned char *)pixels)[i * bands];
        g_free(pixels);
        *out = rgb;
    }
    *out_width = w; *out_height = h;
    return 0;
}


/// What an image file's header declares, read without decoding a pixel: the size of one page
/// (EXIF orientation applied) and the number of pages (a GIF's or WebP's frames; 1 for others).
/// 0 on success.
static inline int eh_vips_header_file(const char *path, int *width, int *height, int *pages) {
    VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (!image) return -1;
    *pages = vips_image_get_n_pages(image);
    return eh_vips_oriented_size(image, width, height);
}

/// The formats eh_vips_clean_file writes.
enum { EH_VIPS_PNG = 0, EH_VIPS_JPEG = 1, EH_VIPS_WEBP = 2, EH_VIPS_GIF = 3 };

/// Writes the image in `in_path` again to `out_path`, in `format`, with no metadata: EXIF (GPS,
/// camera), XMP, IPTC and comments are dropped. The EXIF orientation is applied to the pixels
/// first, and an embedded colour profile is applied (converted to sRGB) so the colours stay as
/// they were. Every frame of a GIF or WebP is kept. Decoding every pixel, this also refuses a file
/// cut short or damaged past its header. `*out_width` × `*out_height` is the size of one frame.
/// 0 on success.
static inline int eh_vips_clean_file(const char *in_path, const char *out_path, int format, int quality,
                                     int *out_width, int *out_height) {
    int animated = format == EH_VIPS_GIF || format == EH_VIPS_WEBP;
    VipsImage *image = animated
        ? vips_image_new_from_file(in_path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, "n", -1, NULL)
        : vips_image_new_from_file(in_path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (!image) return -1;
    int orientation = eh_vips_orientation(image);
    if (orientation != 1 && vips_image_get_n_pages(image) == 1) {
        // Turning needs every row at once: opened again for random access (in memory, or in a
        // temporary file past libvips' threshold).
        g_object_unref(image);
        image = vips_image_new_from_file(in_path, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
        if (!image) return -1;
        VipsImage *upright = NULL;
        int failed = vips_autorot(image, &upright, NULL);
        g_object_unref(image);
        if (failed) return -1;
        image = upright;
    }
    if (vips_image_get_typeof(image, VIPS_META_ICC_NAME)) {
        VipsImage *srgb = NULL;
        int depth = vips_image_get_format(image) == VIPS_FORMAT_USHORT ? 16 : 8;
        if (vips_icc_transform(image, &srgb, "srgb", "embedded", TRUE, "depth", depth, NULL) == 0) {
            g_object_unref(image);
            image = srgb;
        } else {
            // A profile lcms cannot use: the pixels are kept as they are, without it.
            vips_error_clear();
        }
    }
    int failed;
    switch (format) {
    case EH_VIPS_PNG: failed = vips_pngsave(image, out_path, "strip", TRUE, NULL); break;
    case EH_VIPS_JPEG: failed = vips_jpegsave(image, out_path, "Q", quality, "optimize_coding", TRUE, "strip", TRUE, NULL); break;
    case EH_VIPS_WEBP: failed = vips_webpsave(image, out_path, "Q", quality, "strip", TRUE, NULL); break;
    case EH_VIPS_GIF: failed = vips_gifsave(image, out_path, "strip", TRUE, NULL); break;
    default: vips_error("eaglehurst", "unknown format %d", format); failed = -1;
    }
    if (!failed) {
        *out_width = vips_image_get_width(image);
        *out_height = vips_image_get_page_height(image);
    }
    g_object_unref(image);
    return failed ? -1 : 0;
}

/// Encodes packed 8-bit RGB (`width * height * 3` bytes) in the format of `suffix` (".jpg[Q=85]",
/// ".png"), with an EXIF orientation tag when `orientation` is 2–8 (JPEG). Makes pictures for
/// tests and benchmarks. The result is in `*out` (free with eh_vips_free). 0 on success.
static inline int eh_vips_encode_rgb(const unsigned char *rgb, int width, int height, int orientation,
                                     const char *suffix, void **out, size_t *out_length) {
    VipsImage *image = vips_image_new_from_memory_copy(rgb, (size_t)width * height * 3, width, height, 3, VIPS_FORMAT_UCHAR);
    if (!image) return -1;
    image->Type = VIPS_INTERPRETATION_sRGB;
    if (orientation >= 2 && orientation <= 8) vips_image_set_int(image, VIPS_META_ORIENTATION, orientation);
    int failed = vips_image_write_to_buffer(image, suffix, out, out_length, NULL);
    g_object_unref(image);
    return failed ? -1 : 0;
}

#endif
