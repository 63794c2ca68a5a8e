package dev.pixmill.generate;

import java.awt.Graphics2D;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A 5×7 pixel font drawn with rectangles: the placeholder's caption needs no installed font (a
 * headless server may have none) and comes out the same on every machine.
 */
final class PixelFont {

    static final int GLYPH_WIDTH = 5;
    static final int GLYPH_HEIGHT = 7;
    private static final Map<Character, String[]> GLYPHS = new HashMap<>();

    static {
        glyph('A', "01110", "10001", "10001", "11111", "10001", "10001", "10001");
        glyph('B', "11110", "10001", "10001", "11110", "10001", "10001", "11110");
        glyph('C', "01110", "10001", "10000", "10000", "10000", "10001", "01110");
        glyph('D', "11100", "10010", "10001", "10001", "10001", "10010", "11100");
        glyph('E', "11111", "10000", "10000", "11110", "10000", "10000", "11111");
        glyph('F', "11111", "10000", "10000", "11110", "10000", "10000", "10000");
        glyph('G', "01110", "10001", "10000", "10111", "10001", "10001", "01111");
        glyph('H', "10001", "10001", "10001", "11111", "10001", "10001", "10001");
        glyph('I', "01110", "00100", "00100", "00100", "00100", "00100", "01110");
        glyph('J', "00111", "00010", "00010", "00010", "00010", "10010", "01100");
        glyph('K', "10001", "10010", "10100", "11000", "10100", "10010", "10001");
        glyph('L', "10000", "10000", "10000", "10000", "10000", "10000", "11111");
        glyph('M', "10001", "11011", "10101", "10101", "10001", "10001", "10001");
        glyph('N', "10001", "10001", "11001", "10101", "10011", "10001", "10001");
        glyph('O', "01110", "10001", "10001", "10001", "10001", "10001", "01110");
        glyph('P', "11110", "10001", "10001", "11110", "10000", "10000", "10000");
        glyph('Q', "01110", "10001", "10001", "10001", "10101", "10010", "01101");
        glyph('R', "11110", "10001", "10001", "11110", "10100", "10010", "10001");
        glyph('S', "01111", "10000", "10000", "01110", "00001", "00001", "11110");
        glyph('T', "11111", "00100", "00100", "00100", "00100", "00100", "00100");
        glyph('U', "10001", "10001", "10001", "10001", "10001", "10001", "01110");
        glyph('V', "10001", "10001", "10001", "10001", "10001", "01010", "00100");
        glyph('W', "10001", "10001", "10001", "10101", "10101", "10101", "01010");
        glyph('X', "10001", "10001", "01010", "00100", "01010", "10001", "10001");
        glyph('Y', "10001", "10001", "10001", "01010", "00100", "00100", "00100");
        glyph('Z', "11111", "00001", "00010", "00100", "01000", "10000", "11111");
        glyph('0', "01110", "10001", "10011", "10101", "11001", "10001", "01110");
        glyph('1', "00100", "01100", "00100", "00100", "00100", "00100", "01110");
        glyph('2', "01110", "10001", "00001", "00010", "00100", "01000", "11111");
        glyph('3', "11111", "00010", "00100", "00010", "00001", "10001", "01110");
        glyph('4', "00010", "00110", "01010", "10010", "11111", "00010", "00010");
        glyph('5', "11111", "10000", "11110", "00001", "00001", "10001", "01110");
        glyph('6', "00110", "01000", "10000", "11110", "10001", "10001", "01110");
        glyph('7', "11111", "00001", "00010", "00100", "01000", "01000", "01000");
        glyph('8', "01110", "10001", "10001", "01110", "10001", "10001", "01110");
        glyph('9', "01110", "10001", "10001", "01111", "00001", "00010", "01100");
        glyph('.', "00000", "00000", "00000", "00000", "00000", "01100", "01100");
        glyph(',', "00000", "00000", "00000", "00000", "01100", "00100", "01000");
        glyph('-', "00000", "00000", "00000", "11111", "00000", "00000", "00000");
        glyph('!', "00100", "00100", "00100", "00100", "00100", "00000", "00100");
        glyph('?', "01110", "10001", "00001", "00010", "00100", "00000", "00100");
        glyph(':', "00000", "01100", "01100", "00000", "01100", "01100", "00000");
        glyph('\'', "00100", "00100", "01000", "00000", "00000", "00000", "00000");
        glyph('/', "00001", "00010", "00010", "00100", "01000", "01000", "10000");
        glyph('&', "01100", "10010", "10100", "01000", "10101", "10010", "01101");
        glyph(' ', "00000", "00000", "00000", "00000", "00000", "00000", "00000");
    }

    private PixelFont() {
    }

    private static void glyph(char c, String... rows) {
        GLYPHS.put(c, rows);
    }

    /**
     * {@code text} as this font can draw it: upper case, accents dropped, white space single,
     * anything else a {@code ?}.
     */
    static String drawable(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "")
                .replaceAll("\\s+", " ").strip().toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(plain.length());
        plain.codePoints().forEach(cp -> out.append(cp < 0x10000 && GLYPHS.containsKey((char) cp) ? (char) cp : '?'));
        return out.toString();
    }

    /** Width of {@code chars} characters at {@code scale} (one font pixel = scale × scale image pixels). */
    static int advance(int chars, int scale) {
        return chars * (GLYPH_WIDTH + 1) * scale;
    }

    /** Draws drawable text with its top left at (x, y) in the current paint. */
    static void draw(Graphics2D g, String text, int x, int y, int scale) {
        int cx = x;
        for (int i = 0; i < text.length(); i++) {
            String[] rows = GLYPHS.getOrDefault(text.charAt(i), GLYPHS.get('?'));
            for (int row = 0; row < GLYPH_HEIGHT; row++) {
                for (int col = 0; col < GLYPH_WIDTH; col++) {
                    if (rows[row].charAt(col) == '1') {
                        g.fillRect(cx + col * scale, y + row * scale, scale, scale);
                    }
                }
            }
            cx += (GLYPH_WIDTH + 1) * scale;
        }
    }
}
