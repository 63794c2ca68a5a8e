package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an untrusted SVG self-contained before librsvg sees it: entity declarations are refused,
 * doctypes removed, every {@code href}/{@code xlink:href} (any prefix) that does not point inside
 * the document ({@code #...}) or to a {@code data:} URI is removed, CSS {@code url(...)} references
 * to anything else become {@code url(#)} and {@code @import} rules are dropped. librsvg itself also
 * refuses external loads for buffers without a base URL; this is the second fence.
 */
public final class SvgSanitizer {

    private static final Pattern ENTITY = Pattern.compile("<!ENTITY", Pattern.CASE_INSENSITIVE);
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE[^>\\[]*(\\[.*?\\]\\s*)?>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HREF = Pattern.compile("(\\s)([\\w.-]+:)?href\\s*=\\s*(\"[^\"]*\"|'[^']*')",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*(['\"]?)(.*?)\\1\\s*\\)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern CSS_IMPORT = Pattern.compile("@import[^;]*;?", Pattern.CASE_INSENSITIVE);
    private static final Pattern XINCLUDE = Pattern.compile("<([\\w.-]+:)?include\\b[^>]*>",
            Pattern.CASE_INSENSITIVE);

    private SvgSanitizer() {
    }

    public static byte[] sanitize(byte[] svg) {
        String s = new String(svg, StandardCharsets.UTF_8);
        if (ENTITY.matcher(s).find()) {
            throw new InvalidImageException("invalid_image", "SVG documents with entity declarations are not accepted");
        }
        s = DOCTYPE.matcher(s).replaceAll("");
        s = replace(HREF, s, m -> {
            String quoted = m.group(3);
            String value = quoted.substring(1, quoted.length() - 1).strip();
            return internal(value) ? m.group() : m.group(1);
        });
        s = replace(CSS_URL, s, m -> internal(m.group(2).strip()) ? m.group() : "url(#)");
        s = CSS_IMPORT.matcher(s).replaceAll("");
        s = XINCLUDE.matcher(s).replaceAll("");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean internal(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.startsWith("#") || v.startsWith("data:");
    }

    private static String replace(Pattern p, String s, java.util.function.Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
