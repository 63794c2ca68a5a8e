package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.PayloadTooLargeException;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embedded profiles, CMYK, 16-bit and grey inputs become 8-bit sRGB; fixtures made once with the vips CLI. */
class EngineColourTest {

    static ImageEngine engine;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
    }

    static byte[] resource(String name) throws Exception {
        try (InputStream in = EngineColourTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void assert8BitRgb(byte[] png) {
        BufferedImage img = Fixtures.read(png);
        assertThat(img.getColorModel().getNumColorComponents()).isEqualTo(3);
        assertThat(img.getColorModel().getComponentSize(0)).isEqualTo(8);
    }

    @Test
    void embeddedProfileIsConvertedToSrgbBeforeItIsStripped() throws Exception {
        // left half sRGB red, right half sRGB green, stored as ProPhoto (ROMM) values with that
        // profile embedded: (179,70,27) means pure red only through the profile
        byte[] prophoto = resource("prophoto-rgb.jpg");
        BufferedImage out = Fixtures.read(engine.convert(prophoto, Fixtures.spec(ImageFormat.PNG, null, null)).bytes());
        // untransformed, red would come out as (179,70,27); JPEG artefacts of the wide-gamut
        // fixture allow a few tens on the other channels
        int red = out.getRGB(10, 32);
        int green = out.getRGB(54, 32);
        assertThat((red >> 16) & 0xff).isGreaterThan(240);
        assertThat((red >> 8) & 0xff).isLessThan(50);
        assertThat(red & 0xff).isLessThan(50);
        assertThat((green >> 16) & 0xff).isLessThan(50);
        assertThat((green >> 8) & 0xff).isBetween(185, 215);
        assertThat(green & 0xff).isLessThan(50);
    }

    @Test
    void cmykJpegBecomesSrgb() throws Exception {
        byte[] cmyk = resource("cmyk.jpg"); // vips colourspace small.v cmyk.jpg cmyk
        EngineResult r = engine.convert(cmyk, Fixtures.spec(ImageFormat.PNG, null, null));
        assertThat(r.width()).isEqualTo(64);
        assert8BitRgb(r.bytes());
        assertThat(Fixtures.read(engine.convert(cmyk, Fixtures.spec(ImageFormat.JPEG, null, null)).bytes())
                .getColorModel().getNumComponents()).isEqualTo(3);
    }

    @Test
    void sixteenBitAndGreyBecome8BitSrgb() throws Exception {
        assert8BitRgb(engine.convert(resource("rgb16.png"), Fixtures.spec(ImageFormat.PNG, null, null)).bytes());
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSample(3, 3, 0, 60000);
        assert8BitRgb(engine.convert(Fixtures.png(grey), Fixtures.spec(ImageFormat.PNG, null, null)).bytes());
        BufferedImage grey8 = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        assert8BitRgb(engine.convert(Fixtures.png(grey8), Fixtures.spec(ImageFormat.PNG, null, null)).bytes());
    }

    @Test
    void bmpPixelBombIsRefusedFromTheHeader() {
        ByteBuffer b = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54);
        b.putInt(40).putInt(100_000).putInt(100_000).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> engine.convert(b.array(), Fixtures.spec(ImageFormat.PNG, null, null)))
                .isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("100000x100000");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    }
}
