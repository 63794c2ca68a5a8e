package dev.pixmill.generate;

import java.text.BreakIterator;
import java.util.Locale;
import java.util.Set;

/** One-sentence descriptions of an image from its prompt, for the answer's {@code alt}. */
final class AltText {

    /** Longest part of the prompt an alt text quotes. */
    static final int MAX_QUOTED = 200;

    private AltText() {
    }

    /** "Watercolor painting of a cat on a sofa." */
    static String of(Style style, String prompt) {
        String subject = firstSentence(prompt);
        return style.noun() + " of " + lowerFirst(subject) + ".";
    }

    /** "Placeholder image in the watercolor style (no image generator is configured) for: a cat on a sofa." */
    static String placeholder(Style style, String prompt) {
        String styled = style == Style.NONE ? "Placeholder image" : "Placeholder image in the " + style.id() + " style";
        return styled + " (no image generator is configured) for: " + firstSentence(prompt) + ".";
    }

    /**
     * The prompt's first sentence on one line, without its closing punctuation, at most
     * {@value #MAX_QUOTED} characters (cut at a word, with an ellipsis).
     */
    static String firstSentence(String prompt) {
        String text = prompt.replaceAll("\\s+", " ").strip();
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        int end = sentences.next();
        String first = (end == BreakIterator.DONE ? text : text.substring(0, end)).strip();
        first = first.replaceAll("[\\s.!?;:,]+$", "");
        if (first.isEmpty()) {
            first = text;
        }
        if (first.codePointCount(0, first.length()) > MAX_QUOTED) {
            int cut = first.offsetByCodePoints(0, MAX_QUOTED);
            int space = first.lastIndexOf(' ', cut);
            first = first.substring(0, space > MAX_QUOTED / 2 ? space : cut).strip() + "…";
        }
        return first;
    }

    /** "A cat" → "a cat" after "Photo of"; any other first word (a name: "Paris", "NASA") is kept as it is. */
    private static String lowerFirst(String s) {
        int space = s.indexOf(' ');
        String word = space < 0 ? s : s.substring(0, space);
        return OPENINGS.contains(word) ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }

    private static final Set<String> OPENINGS = Set.of("A", "An", "The", "Two", "Three", "Four", "Some", "Many",
            "My", "Our", "This", "That", "These", "Those");
}
