package dev.pixmill.support;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Synthetic pictures that compress like the real kinds: photographs, graphics, screenshots. */
public final class Pictures {

    private Pictures() {
    }

    /** Gradients, soft shapes and sensor-like noise: compresses like a photograph. */
    public static BufferedImage photo(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 160), w, h, new Color(230, 180, 90)));
        g.fillRect(0, 0, w, h);
        Random rnd = new Random(42);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), 120));
            g.fillOval(rnd.nextInt(w), rnd.nextInt(h), 20 + rnd.nextInt(200), 20 + rnd.nextInt(200));
        }
        g.dispose();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int n = (int) (rnd.nextGaussian() * 6);
                int r = Math.clamp(((p >> 16) & 0xFF) + n, 0, 255);
                int gg = Math.clamp(((p >> 8) & 0xFF) + n, 0, 255);
                int b = Math.clamp((p & 0xFF) + n, 0, 255);
                img.setRGB(x, y, r << 16 | gg << 8 | b);
            }
        }
        return img;
    }

    /** Flat colours, no anti-aliasing: a logo or chart, fewer than 256 colours. */
    public static BufferedImage graphic(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Color[] palette = {Color.RED, Color.BLUE, new Color(20, 160, 60), Color.ORANGE, Color.DARK_GRAY};
        for (int i = 0; i < 12; i++) {
            g.setColor(palette[i % palette.length]);
            g.fillRect(30 + i * 48, h - 40 - i * 25, 36, 20 + i * 25);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
        g.setColor(Color.BLACK);
        g.drawString("Quarterly figures", 40, 50);
        g.dispose();
        return img;
    }

    /** Anti-aliased text and UI shapes on white: a screenshot, more than 256 colours. */
    public static BufferedImage screenshot(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(245, 245, 250), 0, h, new Color(220, 225, 235)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(60, 120, 200));
        g.fillRoundRect(20, 20, w - 40, 50, 12, 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        g.setColor(new Color(30, 30, 30));
        for (int line = 0; line < 18; line++) {
            g.drawString("Settings item " + line + " — the quick brown fox jumps over the lazy dog", 30, 100 + line * 21);
        }
        g.dispose();
        return img;
    }
}
