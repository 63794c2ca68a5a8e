package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pixmill.support.Animations;
import dev.pixmill.support.Animations.Frame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Animated GIF and WebP inputs (made by other writers, with a different delay for each frame):
 * frames, their timing and every fit mode, frame by frame, read back from the decoded results.
 */
class EngineAnimationTest {

    static final Color[] MIDDLES = {Color.RED, Color.GREEN, Color.BLUE};
    static final int[] DELAYS = {100, 250, 500};

    static ImageEngine engine;
    static byte[] gif;
    static byte[] webp;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        gif = Animations.gif(frames(120), 0);
        webp = Animations.webp(frames(120), 0);
    }

    /**
     * Square frames in three horizontal bands: grey on top, the frame's own colour (red, green,
     * blue) in the middle third, white at the bottom.
     */
    static List<Frame> frames(int side) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < MIDDLES.length; i++) {
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, side, side / 3);
            g.setColor(MIDDLES[i]);
            g.fillRect(0, side / 3, side, side / 3);
            g.setColor(Color.WHITE);
            g.fillRect(0, 2 * side / 3, side, side - 2 * side / 3);
            g.dispose();
            frames.add(new Frame(img, DELAYS[i]));
        }
        return frames;
    }

    static EngineResult convert(byte[] in, ImageFormat out, Integer w, Integer h, Fit fit, boolean keepMetadata) {
        return engine.convert(in, new ConversionSpec(out, 90, w, h, false, keepMetadata, Fixtures.LIMITS,
                Duration.ofSeconds(60), null, fit));
    }

    static int[] delays(EngineResult r) {
        return r.format() == ImageFormat.GIF ? Animations.gifDelaysMs(r.bytes()) : Animations.webpDelaysMs(r.bytes());
    }

    static void assertColour(int[] rgba, Color c, String what) {
        assertThat(rgba[3]).as(what + " alpha").isEqualTo(255);
        assertThat(Math.abs(rgba[0] - c.getRed())).as(what + " red of " + c).isLessThan(40);
        assertThat(Math.abs(rgba[1] - c.getGreen())).as(what + " green of " + c).isLessThan(40);
        assertThat(Math.abs(rgba[2] - c.getBlue())).as(what + " blue of " + c).isLessThan(40);
    }

    @Test
    void theInputsAreWhatTheTestsSayTheyAre() {
        for (byte[] in : new byte[][] {gif, webp}) {
            Animations.Decoded d = Animations.decode(in);
            assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(120, 120, 3);
            for (int f = 0; f < 3; f++) {
                assertColour(d.pixel(f, 60, 60), MIDDLES[f], "frame " + f);
            }
        }
        assertThat(Animations.gifDelaysMs(gif)).containsExactly(DELAYS);
        assertThat(Animations.gifLoop(gif)).isZero();
        assertThat(Animations.webpDelaysMs(webp)).containsExactly(DELAYS);
        assertThat(Animations.webpLoop(webp)).isZero();
        assertThat(engine.probe(webp, Fixtures.LIMITS).pages()).isEqualTo(3);
    }

    @Test
    void frameTimingIsKeptWithOrWithoutMetadata() {
        for (byte[] in : new byte[][] {gif, webp}) {
            for (ImageFormat out : new ImageFormat[] {ImageFormat.GIF, ImageFormat.WEBP}) {
                for (boolean keep : new boolean[] {false, true}) {
                    String what = (in == gif ? "gif" : "webp") + " -> " + out + (keep ? " kept" : " stripped");
                    EngineResult r = convert(in, out, 60, 60, Fit.INSIDE, keep);
                    assertThat(delays(r)).as(what).containsExactly(DELAYS);
                    int loop = out == ImageFormat.GIF ? Animations.gifLoop(r.bytes()) : Animations.webpLoop(r.bytes());
                    assertThat(loop).as(what + " loops forever").isZero();
                    Animations.Decoded d = Animations.decode(r.bytes());
                    assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).as(what).containsExactly(60, 60, 3);
                }
            }
        }
    }

    @Test
    void aFiniteLoopCountIsKept() {
        EngineResult r = convert(Animations.gif(frames(30), 3), ImageFormat.GIF, null, null, Fit.INSIDE, false);
        assertThat(Animations.gifLoop(r.bytes())).isEqualTo(3);
        r = convert(Animations.webp(frames(30), 2), ImageFormat.WEBP, null, null, Fit.INSIDE, false);
        assertThat(Animations.webpLoop(r.bytes())).isEqualTo(2);
        assertThat(Animations.webpDelaysMs(r.bytes())).containsExactly(DELAYS);
    }

    @Test
    void coverCutsEveryFrameOnItsOwn() {
        // 120x120 frames into 60x20: shrunk to 60x60, each frame cut to its middle rows 20-39,
        // which are all the frame's own colour; a cut across the whole strip would show other bands
        for (byte[] in : new byte[][] {gif, webp}) {
            for (ImageFormat out : new ImageFormat[] {ImageFormat.GIF, ImageFormat.WEBP}) {
                String what = (in == gif ? "gif" : "webp") + " -> " + out;
                EngineResult r = convert(in, out, 60, 20, Fit.COVER, false);
                assertThat(new int[] {r.width(), r.height()}).as(what).containsExactly(60, 20);
                Animations.Decoded d = Animations.decode(r.bytes());
                assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).as(what).containsExactly(60, 20, 3);
                for (int f = 0; f < 3; f++) {
                    for (int y : new int[] {2, 10, 17}) {
                        for (int x : new int[] {0, 30, 59}) {
                            assertColour(d.pixel(f, x, y), MIDDLES[f], what + " frame " + f + " at " + x + "," + y);
                        }
                    }
                }
                assertThat(delays(r)).as(what).containsExactly(DELAYS);
            }
        }
    }

    @Test
    void containPadsEveryFrameOnItsOwn() {
        // 120x120 frames into 60x180: fitted to 60x60, 60 transparent rows above and below each
        for (byte[] in : new byte[][] {gif, webp}) {
            for (ImageFormat out : new ImageFormat[] {ImageFormat.GIF, ImageFormat.WEBP}) {
                String what = (in == gif ? "gif" : "webp") + " -> " + out;
                EngineResult r = convert(in, out, 60, 180, Fit.CONTAIN, false);
                assertThat(new int[] {r.width(), r.height()}).as(what).containsExactly(60, 180);
                Animations.Decoded d = Animations.decode(r.bytes());
                assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).as(what).containsExactly(60, 180, 3);
                for (int f = 0; f < 3; f++) {
                    String at = what + " frame " + f;
                    assertThat(d.pixel(f, 30, 2)[3]).as(at + " padding above").isZero();
                    assertThat(d.pixel(f, 30, 57)[3]).as(at + " padding above").isZero();
                    assertColour(d.pixel(f, 30, 64), Color.GRAY, at + " top band");
                    assertColour(d.pixel(f, 30, 90), MIDDLES[f], at + " middle band");
                    assertColour(d.pixel(f, 30, 115), Color.WHITE, at + " bottom band");
                    assertThat(d.pixel(f, 30, 122)[3]).as(at + " padding below").isZero();
                    assertThat(d.pixel(f, 30, 177)[3]).as(at + " padding below").isZero();
                }
                assertThat(delays(r)).as(what).containsExactly(DELAYS);
            }
        }
    }

    @Test
    void otherOutputsTakeTheFirstFrame() {
        for (byte[] in : new byte[][] {gif, webp}) {
            EngineResult r = convert(in, ImageFormat.PNG, 60, 20, Fit.COVER, false);
            Animations.Decoded d = Animations.decode(r.bytes());
            assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(60, 20, 1);
            assertColour(d.pixel(0, 30, 10), MIDDLES[0], "first frame");

            r = convert(in, ImageFormat.JPEG, 60, 180, Fit.CONTAIN, false);
            BufferedImage img = Fixtures.read(r.bytes());
            assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(60, 180);
            assertThat(EngineFitTest.close(img.getRGB(30, 10), 0xFFFFFF)).as("white padding").isTrue();
            assertThat(((img.getRGB(30, 90) >> 16) & 0xFF)).as("red middle of the first frame").isGreaterThan(200);
        }
    }
}
