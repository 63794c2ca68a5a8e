package dev.pixmill.generate;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * Draws the offline placeholder: a stylised picture of the requested size, seeded by the prompt,
 * the style and the image's place in its request, so the same request gives the same bytes on
 * every replica. Each style has its own palette and its own shapes and texture (a photo is a
 * landscape with grain, a watercolor soft washes on paper, isometric a block city ...), tinted by
 * the prompt; a caption says it is a placeholder and shows the prompt. Java2D on the heap: no
 * installed font, no native code, nothing from outside.
 */
final class PlaceholderRenderer {

    private final int width;
    private final int height;
    /** The shorter side: shapes are measured in it, so every size shows the same picture. */
    private final double u;
    private final Random random;
    /** A hue turn (degrees) from the prompt, so different prompts of one style differ in colour too. */
    private final float hueShift;
    private final BufferedImage image;
    private final Graphics2D g;

    private PlaceholderRenderer(int width, int height, long seed) {
        this.width = width;
        this.height = height;
        this.u = Math.min(width, height);
        this.random = new Random(seed); // java.util.Random's sequence is specified: the same everywhere
        this.hueShift = (float) (random.nextDouble() * 50 - 25);
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    /** The JPEG of the placeholder for this prompt, style, size and place in the request. */
    static byte[] render(String prompt, Style style, int width, int height, int index, int quality) {
        PlaceholderRenderer r = new PlaceholderRenderer(width, height, seed(prompt, style, index));
        try {
            switch (style) {
                case PHOTO -> r.photo();
                case ILLUSTRATION -> r.illustration();
                case WATERCOLOR -> r.watercolor();
                case FANTASY -> r.fantasy();
                case ANIME -> r.anime();
                case THREE_D -> r.threeD();
                case ISOMETRIC -> r.isometric();
                case NONE -> r.plain();
            }
            r.caption(prompt);
        } finally {
            r.g.dispose();
        }
        return jpeg(r.image, quality);
    }

    static long seed(String prompt, Style style, int index) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((style.id() + "\n" + index + "\n" + prompt).getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < 8; i++) {
                seed = (seed << 8) | (d[i] & 0xff);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- styles ---------------------------------------------------------------------------------

    /** A landscape at golden hour: sky gradient, sun glow, two mountain ridges, film grain, vignette. */
    private void photo() {
        double horizon = height * (0.55 + random.nextDouble() * 0.1);
        vertical(0, horizon, hsb(215, 0.55f, 0.55f), hsb(28, 0.55f, 0.98f));
        vertical(horizon, height, hsb(95, 0.35f, 0.35f), hsb(80, 0.45f, 0.18f));
        double sunX = width * (0.2 + random.nextDouble() * 0.6);
        glow(sunX, horizon - u * 0.06, u * 0.45, hsb(40, 0.5f, 1f), 0.85f);
        disc(sunX, horizon - u * 0.06, u * 0.05, hsb(45, 0.25f, 1f));
        ridge(horizon - u * 0.12, u * 0.10, 0.9, hsb(225, 0.25f, 0.55f), 0.85f);
        ridge(horizon + u * 0.02, u * 0.06, 0.5, hsb(110, 0.4f, 0.25f), 1f);
        grain(10);
        vignette(0.55f);
    }

    /** Flat colours and bold outlines: a sun, layered hills and trees, no gradient anywhere. */
    private void illustration() {
        fill(hsb(185, 0.45f, 0.85f));
        float outline = (float) Math.max(2, u / 90);
        g.setStroke(new BasicStroke(outline, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Color ink = hsb(230, 0.5f, 0.18f);
        double sunX = width * (0.15 + random.nextDouble() * 0.7);
        outlined(new Ellipse2D.Double(sunX - u * 0.12, height * 0.12, u * 0.24, u * 0.24), hsb(48, 0.85f, 1f), ink);
        Color[] hills = { hsb(140, 0.55f, 0.7f), hsb(120, 0.6f, 0.55f), hsb(100, 0.65f, 0.42f) };
        for (int i = 0; i < hills.length; i++) {
            outlined(hill(height * (0.52 + i * 0.13), u * (0.12 - i * 0.02)), hills[i], ink);
        }
        int trees = 4 + random.nextInt(4);
        for (int i = 0; i < trees; i++) {
            double x = width * (0.08 + random.nextDouble() * 0.84);
            double base = height * (0.72 + random.nextDouble() * 0.18);
            double size = u * (0.06 + random.nextDouble() * 0.06);
            outlined(rect(x - size * 0.12, base - size * 0.5, size * 0.24, size * 0.6), hsb(25, 0.6f, 0.45f), ink);
            Path2D crown = new Path2D.Double();
            crown.moveTo(x, base - size * 2.2);
            crown.lineTo(x + size * 0.7, base - size * 0.4);
            crown.lineTo(x - size * 0.7, base - size * 0.4);
            crown.closePath();
            outlined(crown, hsb(150, 0.7f, 0.4f), ink);
        }
    }

    /** Soft translucent washes that bleed into each other on textured paper, and a few splashes. */
    private void watercolor() {
        fill(new Color(244, 238, 226));
        grain(7);
        float[] hues = { 205, 340, 40, 150, 265 };
        int washes = 7 + random.nextInt(4);
        for (int i = 0; i < washes; i++) {
            Color c = hsb(hues[random.nextInt(hues.length)], 0.45f + random.nextFloat() * 0.2f, 0.85f);
            double cx = width * random.nextDouble();
            double cy = height * random.nextDouble();
            double r = u * (0.12 + random.nextDouble() * 0.2);
            for (int layer = 0; layer < 14; layer++) {
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.07f));
                g.setColor(c);
                g.fill(blob(cx, cy, r * (0.75 + layer * 0.025), 0.25));
            }
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.18f));
            g.setStroke(new BasicStroke((float) Math.max(1, u / 400)));
            g.setColor(c.darker());
            g.draw(blob(cx, cy, r * 1.05, 0.2));
        }
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.35f));
        for (int i = 0; i < 40; i++) {
            g.setColor(hsb(hues[random.nextInt(hues.length)], 0.5f, 0.75f));
            double r = u * random.nextDouble() * 0.012;
            g.fill(new Ellipse2D.Double(width * random.nextDouble(), height * random.nextDouble(), r, r));
        }
        g.setComposite(AlphaComposite.SrcOver);
    }

    /** A night of stars over castle spires, a glowing moon and drifting sparks. */
    private void fantasy() {
        vertical(0, height, hsb(255, 0.7f, 0.16f), hsb(300, 0.6f, 0.55f));
        for (int i = 0; i < 260; i++) {
            float a = 0.3f + random.nextFloat() * 0.7f;
            g.setColor(new Color(1f, 1f, 0.95f, a));
            double r = Math.max(1, u * random.nextDouble() * 0.004);
            g.fill(new Ellipse2D.Double(width * random.nextDouble(), height * random.nextDouble() * 0.7, r, r));
        }
        double moonX = width * (0.2 + random.nextDouble() * 0.6);
        double moonY = height * (0.18 + random.nextDouble() * 0.12);
        glow(moonX, moonY, u * 0.35, hsb(180, 0.45f, 1f), 0.7f);
        disc(moonX, moonY, u * 0.08, hsb(60, 0.08f, 1f));
        ridge(height * 0.72, u * 0.12, 1.0, hsb(265, 0.5f, 0.12f), 1f);
        int towers = 3 + random.nextInt(3);
        double castle = width * (0.25 + random.nextDouble() * 0.5);
        for (int i = 0; i < towers; i++) {
            double x = castle + (i - towers / 2.0) * u * 0.07;
            double top = height * (0.38 + random.nextDouble() * 0.15);
            double w = u * 0.045;
            g.setColor(hsb(270, 0.5f, 0.1f));
            g.fill(rect(x - w / 2, top, w, height * 0.75 - top));
            Path2D spire = new Path2D.Double();
            spire.moveTo(x - w * 0.75, top);
            spire.lineTo(x, top - u * 0.12);
            spire.lineTo(x + w * 0.75, top);
            spire.closePath();
            g.fill(spire);
            disc(x, top + u * 0.05, u * 0.008, hsb(45, 0.8f, 1f));
        }
        vertical(height * 0.75, height, hsb(270, 0.5f, 0.1f), hsb(250, 0.6f, 0.05f));
        for (int i = 0; i < 30; i++) {
            double x = width * random.nextDouble();
            double y = height * (0.3 + random.nextDouble() * 0.65);
            glow(x, y, u * (0.01 + random.nextDouble() * 0.025), hsb(45, 0.7f, 1f), 0.9f);
        }
    }

    /** A bright sky, cel-shaded clouds, light rays and falling petals. */
    private void anime() {
        vertical(0, height, hsb(200, 0.55f, 1f), hsb(190, 0.2f, 1f));
        double fx = width * (random.nextBoolean() ? 0.1 : 0.9);
        double fy = height * 0.08;
        g.setStroke(new BasicStroke((float) Math.max(1, u / 250)));
        for (int i = 0; i < 48; i++) {
            double angle = random.nextDouble() * Math.PI * 2;
            g.setColor(new Color(1f, 1f, 1f, 0.25f + random.nextFloat() * 0.3f));
            g.draw(new java.awt.geom.Line2D.Double(fx, fy, fx + Math.cos(angle) * u * 2, fy + Math.sin(angle) * u * 2));
        }
        int clouds = 3 + random.nextInt(3);
        for (int i = 0; i < clouds; i++) {
            cloud(width * random.nextDouble(), height * (0.15 + random.nextDouble() * 0.4), u * (0.08 + random.nextDouble() * 0.06));
        }
        g.setColor(hsb(120, 0.55f, 0.8f));
        g.fill(hill(height * 0.78, u * 0.05));
        g.setColor(hsb(110, 0.6f, 0.65f));
        g.fill(hill(height * 0.86, u * 0.04));
        for (int i = 0; i < 60; i++) {
            g.setColor(hsb(345, 0.3f + random.nextFloat() * 0.2f, 1f));
            double w = u * 0.018;
            java.awt.geom.AffineTransform saved = g.getTransform();
            g.translate(width * random.nextDouble(), height * random.nextDouble());
            g.rotate(random.nextDouble() * Math.PI);
            g.fill(new Ellipse2D.Double(-w / 2, -w / 4, w, w / 2));
            g.setTransform(saved);
        }
    }

    /** A studio floor with a perspective grid, shaded spheres and boxes with soft shadows. */
    private void threeD() {
        double horizon = height * 0.45;
        vertical(0, horizon, hsb(215, 0.2f, 0.75f), hsb(215, 0.12f, 0.92f));
        vertical(horizon, height, hsb(220, 0.1f, 0.85f), hsb(225, 0.2f, 0.55f));
        g.setColor(new Color(40, 50, 80, 60));
        g.setStroke(new BasicStroke((float) Math.max(1, u / 500)));
        double vx = width / 2.0;
        for (int i = -12; i <= 12; i++) {
            g.draw(new java.awt.geom.Line2D.Double(vx, horizon, vx + i * u * 0.25, height));
        }
        for (int i = 1; i <= 10; i++) {
            double y = horizon + (height - horizon) * Math.pow(i / 10.0, 2);
            g.draw(new java.awt.geom.Line2D.Double(0, y, width, y));
        }
        int objects = 3 + random.nextInt(3);
        for (int i = 0; i < objects; i++) {
            double x = width * (0.15 + 0.7 * (i + random.nextDouble() * 0.6) / objects);
            double floorY = horizon + (height - horizon) * (0.35 + random.nextDouble() * 0.5);
            double r = u * (0.05 + 0.06 * (floorY - horizon) / (height - horizon));
            shadow(x + r * 0.3, floorY, r * 1.3, r * 0.35);
            float hue = 360 * random.nextFloat();
            if (random.nextBoolean()) {
                sphere(x, floorY - r, r, hsb(hue, 0.65f, 0.85f));
            } else {
                box(x, floorY, r * 1.6, hsb(hue, 0.6f, 0.85f));
            }
        }
    }

    /** A city of blocks on an isometric grid, three shades per block, drawn back to front. */
    private void isometric() {
        fill(hsb(45, 0.12f, 0.96f));
        int n = 7;
        double tile = u / (n + 1.5);
        double ox = width / 2.0;
        double oy = height / 2.0 - n * tile * 0.25;
        float[] hues = { 200, 20, 140, 280 };
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                double x = ox + (col - row) * tile * 0.5;
                double y = oy + (col + row) * tile * 0.25;
                double h = random.nextDouble() < 0.35 ? tile * 0.08 : tile * (0.25 + random.nextDouble() * 1.1);
                float hue = hues[random.nextInt(hues.length)];
                isoBlock(x, y, tile, h, hsb(hue, 0.45f, 0.95f), hsb(hue, 0.5f, 0.75f), hsb(hue, 0.55f, 0.55f));
            }
        }
    }

    /** No style: a quiet neutral composition of grey gradients and outlined shapes. */
    private void plain() {
        vertical(0, height, new Color(200, 200, 200), new Color(150, 150, 150));
        g.setStroke(new BasicStroke((float) Math.max(1, u / 200)));
        double cx = width * (0.3 + random.nextDouble() * 0.4);
        double cy = height * (0.3 + random.nextDouble() * 0.4);
        for (int i = 1; i <= 6; i++) {
            double r = u * 0.07 * i;
            g.setColor(new Color(90, 90, 90, 180 - i * 20));
            g.draw(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
        }
        for (int i = 0; i < 5; i++) {
            double s = u * (0.05 + random.nextDouble() * 0.15);
            g.setColor(new Color(110, 110, 110, 120));
            g.draw(rect(width * random.nextDouble() - s / 2, height * random.nextDouble() - s / 2, s, s));
        }
    }

    /** A dark band at the foot: "PLACEHOLDER IMAGE" and as much of the prompt as fits. */
    private void caption(String prompt) {
        int scale = Math.max(1, (int) Math.round(u / 300));
        int line = (PixelFont.GLYPH_HEIGHT + 3) * scale;
        int margin = 3 * scale;
        int band = 2 * line + 2 * margin;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.6f));
        g.setColor(Color.BLACK);
        g.fillRect(0, height - band, width, band);
        g.setComposite(AlphaComposite.SrcOver);
        int fits = Math.max(4, (width - 2 * margin) / PixelFont.advance(1, scale));
        g.setColor(new Color(255, 214, 90));
        PixelFont.draw(g, fit("PLACEHOLDER IMAGE - NO IMAGE GENERATOR CONFIGURED", fits), margin,
                height - band + margin + scale, scale);
        g.setColor(Color.WHITE);
        PixelFont.draw(g, fit(PixelFont.drawable(prompt), fits), margin, height - band + margin + line + scale, scale);
    }

    private static String fit(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars - 3) + "...";
    }

    // --- shapes and textures --------------------------------------------------------------------

    private Color hsb(float hue, float saturation, float brightness) {
        float h = ((hue + hueShift) % 360 + 360) % 360 / 360f;
        return Color.getHSBColor(h, Math.min(1f, saturation), Math.min(1f, brightness));
    }

    private void fill(Color c) {
        g.setColor(c);
        g.fillRect(0, 0, width, height);
    }

    private void vertical(double top, double bottom, Color from, Color to) {
        g.setPaint(new GradientPaint(0, (float) top, from, 0, (float) bottom, to));
        g.fill(rect(0, top, width, bottom - top));
    }

    private void glow(double x, double y, double r, Color c, float strength) {
        Color inner = new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(255 * strength));
        Color outer = new Color(c.getRed(), c.getGreen(), c.getBlue(), 0);
        g.setPaint(new RadialGradientPaint(new Point2D.Double(x, y), (float) r, new float[] { 0f, 1f },
                new Color[] { inner, outer }));
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    private void disc(double x, double y, double r, Color c) {
        g.setColor(c);
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    private static java.awt.geom.Rectangle2D rect(double x, double y, double w, double h) {
        return new java.awt.geom.Rectangle2D.Double(x, y, w, h);
    }

    private void outlined(java.awt.Shape shape, Color fill, Color ink) {
        g.setColor(fill);
        g.fill(shape);
        g.setColor(ink);
        g.draw(shape);
    }

    /** A jagged ridge line across the picture around {@code y}, filled down to the bottom. */
    private void ridge(double y, double amplitude, double roughness, Color c, float alpha) {
        Path2D p = new Path2D.Double();
        p.moveTo(0, height);
        double level = y;
        int steps = 48;
        for (int i = 0; i <= steps; i++) {
            level += (random.nextDouble() - 0.5) * amplitude * roughness;
            level = Math.max(y - amplitude, Math.min(y + amplitude * 0.5, level));
            p.lineTo(width * i / (double) steps, level);
        }
        p.lineTo(width, height);
        p.closePath();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, alpha));
        g.setColor(c);
        g.fill(p);
        g.setComposite(AlphaComposite.SrcOver);
    }

    /** A smooth rolling hill line around {@code y}, filled down to the bottom. */
    private Path2D hill(double y, double amplitude) {
        Path2D p = new Path2D.Double();
        double phase = random.nextDouble() * Math.PI * 2;
        double waves = 1 + random.nextDouble() * 1.5;
        p.moveTo(0, height + u);
        for (int i = 0; i <= 64; i++) {
            double x = width * i / 64.0;
            p.lineTo(x, y + Math.sin(phase + waves * Math.PI * 2 * x / width) * amplitude);
        }
        p.lineTo(width, height + u);
        p.closePath();
        return p;
    }

    /** A round shape with a wobbling edge. */
    private Path2D blob(double cx, double cy, double r, double wobble) {
        Path2D p = new Path2D.Double();
        int points = 24;
        for (int i = 0; i < points; i++) {
            double a = Math.PI * 2 * i / points;
            double rr = r * (1 + (random.nextDouble() - 0.5) * wobble);
            double x = cx + Math.cos(a) * rr;
            double y = cy + Math.sin(a) * rr * 0.8;
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private void cloud(double x, double y, double r) {
        Color shade = hsb(205, 0.25f, 0.92f);
        for (int pass = 0; pass < 2; pass++) {
            g.setColor(pass == 0 ? shade : Color.WHITE);
            double lift = pass == 0 ? 0 : -r * 0.18;
            g.fill(new Ellipse2D.Double(x - r * 1.6, y - r * 0.5 + lift, r * 1.4, r * 1.0));
            g.fill(new Ellipse2D.Double(x - r * 0.7, y - r * 1.0 + lift, r * 1.6, r * 1.5));
            g.fill(new Ellipse2D.Double(x + r * 0.5, y - r * 0.55 + lift, r * 1.3, r * 1.05));
        }
    }

    private void shadow(double x, double y, double rx, double ry) {
        for (int i = 0; i < 6; i++) {
            double k = 1 + i * 0.15;
            g.setColor(new Color(20, 25, 40, 28));
            g.fill(new Ellipse2D.Double(x - rx * k, y - ry * k, 2 * rx * k, 2 * ry * k));
        }
    }

    private void sphere(double x, double y, double r, Color c) {
        g.setPaint(new RadialGradientPaint(new Point2D.Double(x, y), (float) r, new Point2D.Double(x - r * 0.4, y - r * 0.45),
                new float[] { 0f, 0.35f, 1f }, new Color[] { Color.WHITE, c, c.darker().darker() },
                MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    private void box(double x, double floorY, double s, Color c) {
        double d = s * 0.35;
        Path2D front = new Path2D.Double();
        front.moveTo(x - s / 2, floorY);
        front.lineTo(x + s / 2, floorY);
        front.lineTo(x + s / 2, floorY - s);
        front.lineTo(x - s / 2, floorY - s);
        front.closePath();
        Path2D top = new Path2D.Double();
        top.moveTo(x - s / 2, floorY - s);
        top.lineTo(x + s / 2, floorY - s);
        top.lineTo(x + s / 2 + d, floorY - s - d);
        top.lineTo(x - s / 2 + d, floorY - s - d);
        top.closePath();
        Path2D side = new Path2D.Double();
        side.moveTo(x + s / 2, floorY);
        side.lineTo(x + s / 2 + d, floorY - d);
        side.lineTo(x + s / 2 + d, floorY - s - d);
        side.lineTo(x + s / 2, floorY - s);
        side.closePath();
        g.setPaint(new GradientPaint((float) x, (float) (floorY - s), c, (float) x, (float) floorY, c.darker()));
        g.fill(front);
        g.setColor(c.brighter());
        g.fill(top);
        g.setColor(c.darker().darker());
        g.fill(side);
    }

    /** One block: its top at (x, y - h) as a rhombus of {@code tile}, and its two visible sides. */
    private void isoBlock(double x, double y, double tile, double h, Color top, Color left, Color right) {
        double hw = tile / 2;
        double hh = tile / 4;
        Path2D l = new Path2D.Double();
        l.moveTo(x - hw, y - h);
        l.lineTo(x, y + hh - h);
        l.lineTo(x, y + hh);
        l.lineTo(x - hw, y);
        l.closePath();
        Path2D r = new Path2D.Double();
        r.moveTo(x + hw, y - h);
        r.lineTo(x, y + hh - h);
        r.lineTo(x, y + hh);
        r.lineTo(x + hw, y);
        r.closePath();
        Path2D t = new Path2D.Double();
        t.moveTo(x, y - hh - h);
        t.lineTo(x + hw, y - h);
        t.lineTo(x, y + hh - h);
        t.lineTo(x - hw, y - h);
        t.closePath();
        g.setColor(left);
        g.fill(l);
        g.setColor(right);
        g.fill(r);
        g.setColor(top);
        g.fill(t);
        g.setColor(new Color(0, 0, 0, 50));
        g.setStroke(new BasicStroke((float) Math.max(1, tile / 60)));
        g.draw(t);
    }

    /** Adds noise of up to ±{@code amount} per channel (film grain, paper). */
    private void grain(int amount) {
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            int n = random.nextInt(2 * amount + 1) - amount;
            int p = pixels[i];
            pixels[i] = (clamp(((p >> 16) & 0xff) + n) << 16) | (clamp(((p >> 8) & 0xff) + n) << 8) | clamp((p & 0xff) + n);
        }
    }

    private void vignette(float strength) {
        double r = Math.hypot(width, height) / 2;
        g.setPaint(new RadialGradientPaint(new Point2D.Double(width / 2.0, height / 2.0), (float) r,
                new float[] { 0.55f, 1f }, new Color[] { new Color(0, 0, 0, 0), new Color(0, 0, 0, Math.round(255 * strength)) }));
        g.fillRect(0, 0, width, height);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static byte[] jpeg(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 4);
                ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
            stream.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
