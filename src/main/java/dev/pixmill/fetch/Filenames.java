package dev.pixmill.fetch;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks a safe file name for a fetched body: Content-Disposition first, else the URL's last path segment. */
public final class Filenames {

    private static final int MAX_LENGTH = 200;
    private static final Pattern EXTENDED = Pattern.compile("(?i)filename\\*\\s*=\\s*([^']*)'[^']*'([^;]+)");
    private static final Pattern QUOTED = Pattern.compile("(?i)(?<![*\\w])filename\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TOKEN = Pattern.compile("(?i)(?<![*\\w])filename\\s*=\\s*([^;\\s\"]+)");

    private Filenames() {
    }

    /** A sanitised name, or null when neither source yields one. */
    public static String of(String contentDisposition, URI uri) {
        String name = fromDisposition(contentDisposition);
        if (name == null && uri != null && uri.getRawPath() != null) {
            String raw = uri.getRawPath();
            String segment = raw.substring(raw.lastIndexOf('/') + 1);
            name = sanitise(decode(segment, StandardCharsets.UTF_8.name()));
        }
        return name;
    }

    static String fromDisposition(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher m = EXTENDED.matcher(header);
        if (m.find()) {
            String charset = m.group(1).isBlank() ? "UTF-8" : m.group(1).trim();
            String name = sanitise(decode(m.group(2).trim(), charset));
            if (name != null) {
                return name;
            }
        }
        m = QUOTED.matcher(header);
        if (m.find()) {
            return sanitise(m.group(1).replaceAll("\\\\(.)", "$1"));
        }
        m = TOKEN.matcher(header);
        return m.find() ? sanitise(m.group(1)) : null;
    }

    /** Keeps the last path component, letters, digits, dot, dash and underscore; no leading dots. */
    static String sanitise(String name) {
        if (name == null) {
            return null;
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder(base.length());
        base.codePoints().forEach(c -> {
            boolean ok = Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
            out.appendCodePoint(ok ? c : '_');
        });
        String clean = out.toString().replaceAll("_{2,}", "_").replaceAll("^[._]+", "").replaceAll("_+(\\.[^.]*)?$", "$1");
        if (clean.length() > MAX_LENGTH) {
            int dot = clean.lastIndexOf('.');
            String ext = dot > 0 && clean.length() - dot <= 10 ? clean.substring(dot) : "";
            clean = clean.substring(0, MAX_LENGTH - ext.length()) + ext;
        }
        return clean.isEmpty() || clean.toLowerCase(Locale.ROOT).matches("\\.*") ? null : clean;
    }

    private static String decode(String s, String charset) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), charset);
        } catch (IllegalArgumentException | java.io.UnsupportedEncodingException e) {
            return s;
        }
    }
}
