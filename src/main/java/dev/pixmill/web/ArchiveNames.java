package dev.pixmill.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names of archive entries made from client-given file names: a bare name (no directory, no
 * drive, no {@code ..}, so nothing can be unpacked outside the target directory), no control or
 * reserved characters, not empty, and unique (case-insensitively, as on Windows and macOS),
 * duplicates numbered {@code photo (2).webp}.
 */
public final class ArchiveNames {

    static final int MAX_LENGTH = 150;

    private ArchiveNames() {
    }

    public static List<String> unique(List<String> wanted) {
        Set<String> taken = new HashSet<>();
        List<String> names = new ArrayList<>(wanted.size());
        for (String w : wanted) {
            String safe = safe(w);
            int dot = safe.lastIndexOf('.');
            String stem = dot > 0 ? safe.substring(0, dot) : safe;
            String extension = dot > 0 ? safe.substring(dot) : "";
            String name = safe;
            for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
                name = stem + " (" + n + ")" + extension;
            }
            names.add(name);
        }
        return names;
    }

    /** One name made safe; uniqueness is {@link #unique}'s job. */
    static String safe(String name) {
        String s = name == null ? "" : name;
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || "<>:\"|?*".indexOf(cp) >= 0 || Character.getType(cp) == Character.FORMAT) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
        });
        // no leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them)
        String cleaned = b.toString().replaceAll("^[.\\s]+", "").replaceAll("[.\\s]+$", "");
        if (cleaned.isEmpty() || cleaned.startsWith(".")) {
            cleaned = "image";
        }
        if (cleaned.length() > MAX_LENGTH) {
            int dot = cleaned.lastIndexOf('.');
            String extension = dot > 0 && cleaned.length() - dot <= 16 ? cleaned.substring(dot) : "";
            int cut = MAX_LENGTH - extension.length();
            if (Character.isHighSurrogate(cleaned.charAt(cut - 1))) {
                cut--;
            }
            cleaned = cleaned.substring(0, cut) + extension;
        }
        return cleaned;
    }
}
