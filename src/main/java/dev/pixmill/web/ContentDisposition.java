package dev.pixmill.web;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * The {@code Content-Disposition} of a download (RFC 6266): an ASCII {@code filename} for old
 * clients and, when the name is not plain ASCII, the name itself in {@code filename*} (RFC 5987:
 * UTF-8, percent-encoded). The name comes from a client, so it is cleaned first: every kind of
 * space (tab, no-break space, line breaks) becomes a plain space, controls and invisible format
 * characters (C0, C1, bidi overrides, zero-width marks) are dropped, and the characters that would
 * end, escape or redirect the value ({@code " \ ; / :} and the ones file systems refuse) become
 * {@code _}.
 */
public final class ContentDisposition {

    private static final String REFUSED = "\"\\;/:*?<>|";
    /** RFC 5987 attr-char, apart from letters and digits. */
    private static final String ATTR_CHAR = "!#$&+-.^_`|~";

    private ContentDisposition() {
    }

    public static String attachment(String filename) {
        return disposition("attachment", filename);
    }

    /** For an answer that is itself the image (shown by a browser, saved under this name). */
    public static String inline(String filename) {
        return disposition("inline", filename);
    }

    private static String disposition(String type, String filename) {
        String name = clean(filename);
        String ascii = ascii(name);
        return type + "; filename=\"" + ascii + "\"" + (ascii.equals(name) ? "" : "; filename*=UTF-8''" + encode(name));
    }

    /** The name as it may appear in a header; {@code image} stands in for a stem with nothing left. */
    static String clean(String filename) {
        StringBuilder out = new StringBuilder();
        (filename == null ? "" : filename).codePoints().forEach(c -> {
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                out.append(' ');
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SURROGATE || c == 0xFFFD) {
                // dropped: nothing to see, and some of them reorder or hide what follows
            } else {
                out.appendCodePoint(REFUSED.indexOf(c) >= 0 ? '_' : c);
            }
        });
        String name = out.toString().replaceAll(" {2,}", " ").strip().replaceAll("^[. ]+", ".");
        return name.isEmpty() || name.startsWith(".") ? "image" + (name.length() > 1 ? name : "") : name;
    }

    /** Accents dropped, anything else outside printable ASCII (and %, which browsers may decode) as _. */
    static String ascii(String name) {
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        StringBuilder out = new StringBuilder();
        plain.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7F && c != '%' ? (char) c : '_'));
        return out.toString().replaceAll("_{2,}", "_");
    }

    static String encode(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || ATTR_CHAR.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
