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

/// The size of an image (EXIF orientation applied) without decoding its pixels. 0 on success.
/// The size of an opened image with its EXIF orientation applied; releases the image. 0 on success.
static inline int eh_vips_oriented_size(VipsImage *image, int *width, int *height) {
    if (!image) return -1;
    int w = vips_image_get_width(image), h = vips_image_get_height(image);
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION)) vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation);
    if (orientation >= 5 && orientation <= 8) { int t = w; w = h; h = t; }
    *width = w; *height = h;
    g_object_unref(image);
    return 0;
}

static inline int eh_vips_probe(const void *data, size_t length, int *width, int *height) {
    return eh_vips_oriented_size(vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL), width, height);
}

/// A JPEG no wider than `width` and no higher than `height` (never enlarged), EXIF orientation
/// applied, metadata stripped, sRGB. The result is in `*out` (free with eh_vips_free). 0 on success.
static inline int eh_vips_thumbnail_jpeg(const void *data, size_t length, int width, int height, int quality,
                                         void **out, size_t *out_length, int *out_width, int *out_height) {
    VipsImage *thumb = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &thumb, width, "height", height, "size", VIPS_SIZE_DOWN, NULL)) return -1;
    VipsImage *flat = NULL;
    if (vips_image_hasalpha(thumb)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int failed = vips_flatten(thumb, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        g_object_unref(thumb);
        if (failed) return -1;
    } else {
        flat = thumb;
    }
    *out_width = vips_image_get_width(flat);
    *out_height = vips_image_get_height(flat);
    int failed = vips_jpegsave_buffer(flat, out, out_length, "Q", quality, "strip", TRUE, "interlace", TRUE, NULL);
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


/// eh_vips_probe for an image in a file (an upload's spool), read from disk, never whole in memory.
static inline int eh_vips_probe_file(const char *path, int *width, int *height) {
    return eh_vips_oriented_size(vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL), width, height);
}

/// Decodes the whole image in a file, as making its thumbnail will, and fails on a truncated or
/// corrupt file: the header alone (eh_vips_probe_file) reads fine from a file cut short. JPEG and
/// WebP decode shrunk on load (cheap); PNG and GIF decode in full, read from disk in strips.
/// 0 when every pixel could be read.
static inline int eh_vips_verify_file(const char *path) {
    VipsImage *small = NULL;
    if (vips_thumbnail(path, &small, 64, "height", 64, "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL)) return -1;
    double average = 0;
    int failed = vips_avg(small, &average, NULL);
    g_object_unref(small);
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
