package dev.pixmill.engine;

import static dev.pixmill.engine.Fixtures.concat;
import static dev.pixmill.engine.Fixtures.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pixmill.engine.pipeline.PipelineContext;
import dev.pixmill.engine.pipeline.Step;
import dev.pixmill.engine.pipeline.Steps;
import dev.pixmill.engine.pipeline.StripMetadata;
import dev.pixmill.engine.vips.Vips;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile metadata in (EXIF, XMP, IPTC, ICC, comments; long, with NULs and control characters,
 * many chunks), none out: every input × every output format, metadata stripped by default.
 */
class EngineMetadataTest {

    static final String HTML = "<script>alert(1)</script>";
    static final String COMMENT = "PIXMILL-COMMENT";
    /** What must not survive stripping, in any output. */
    static final List<String> MARKERS = List.of("<script", "alert(", "onerror", COMMENT, "Exif",
            "http://ns.adobe.com/xap/1.0/", "x:xmpmeta", "8BIM", "Photoshop 3.0", "ICC_PROFILE", "acsp", "iCCP",
            "tEXt", "zTXt", "iTXt", "eXIf");
    /** Header fields libvips always has, and the animation fields the GIF and WebP savers read. */
    static final Set<String> LAYOUT_FIELDS = Set.of("width", "height", "bands", "format", "coding",
            "interpretation", "xoffset", "yoffset", "xres", "yres", "filename", "page-height", "n-pages", "delay",
            "loop", "gif-delay", "gif-loop");

    static ImageEngine engine;
    static byte[] icc;
    static final Map<String, byte[]> inputs = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        engine = new ImageEngine();
        icc = Fixtures.iccProfileOf(EngineColourTest.resource("prophoto-rgb.jpg"));
        assertThat(new String(icc, 36, 4, StandardCharsets.ISO_8859_1)).isEqualTo("acsp");
        byte[] png = Fixtures.png(Fixtures.base(Fixtures.W, Fixtures.H));
        byte[] jpeg = engine.convert(png, Fixtures.spec(ImageFormat.JPEG, null, null)).bytes();
        byte[] gif = engine.convert(png, Fixtures.spec(ImageFormat.GIF, null, null)).bytes();

        inputs.put("jpeg", hostileJpeg(jpeg));
        inputs.put("jpeg-long", longJpeg(jpeg));
        inputs.put("jpeg-control", controlCharacterJpeg(jpeg));
        inputs.put("png", hostilePng(png));
        inputs.put("gif", Fixtures.gifWith(gif,
                Fixtures.gifExtension(0xFE, new byte[0], latin1(COMMENT + " " + HTML)),
                Fixtures.gifExtension(0xFF, latin1("XMP DataXMP"),
                        Fixtures.xmpPacket(cdata(HTML)).getBytes(StandardCharsets.UTF_8))));
        // libvips writes the other formats' metadata itself when asked to keep it
        for (ImageFormat f : List.of(ImageFormat.WEBP, ImageFormat.TIFF, ImageFormat.AVIF, ImageFormat.HEIC)) {
            byte[] kept = engine.convert(inputs.get("jpeg"), Fixtures.spec(f, null, null, true)).bytes();
            assertThat(contains(kept, "alert(1)")).as("%s input carries the EXIF text", f).isTrue();
            inputs.put(f.extension(), kept);
        }
    }

    static String cdata(String s) {
        return "<![CDATA[" + s + "]]>";
    }

    static byte[] exif(String description, String artist) {
        return Fixtures.tiffAsciiIfd(Map.of(0x010E, latin1(description + "\0"), 0x013B, latin1(artist + "\0"),
                0x0131, latin1("Pixmill test\0")));
    }

    static byte[] hostileJpeg(byte[] jpeg) {
        return Fixtures.jpegWith(jpeg,
                Fixtures.exifSegment(exif(HTML, "<img src=x onerror=alert(2)>")),
                Fixtures.xmpSegment(Fixtures.xmpPacket(cdata(HTML))),
                Fixtures.iptcSegment(COMMENT + " " + HTML),
                Fixtures.iccSegments(icc),
                Fixtures.comSegment(latin1(COMMENT + " " + HTML)));
    }

    /** EXIF and XMP filling their 64 KB segments. */
    static byte[] longJpeg(byte[] jpeg) {
        return Fixtures.jpegWith(jpeg,
                Fixtures.exifSegment(exif(HTML.repeat(65_000 / HTML.length()) , "a".repeat(200))),
                Fixtures.xmpSegment(Fixtures.xmpPacket(cdata(HTML.repeat(64_000 / HTML.length())))),
                Fixtures.iccSegments(icc));
    }

    /** NULs, escapes and C1 bytes inside the values, and 200 comment segments. */
    static byte[] controlCharacterJpeg(byte[] jpeg) {
        String hostile = "\0\u0001\u0007\u001b[31m" + HTML + "\0\u0085\u00ff\r\n" + COMMENT;
        List<byte[]> segments = new ArrayList<>();
        segments.add(Fixtures.exifSegment(exif(hostile, "\0" + hostile)));
        segments.add(Fixtures.xmpSegment(Fixtures.xmpPacket(cdata("\u0007\u001b" + HTML))));
        segments.add(Fixtures.iptcSegment(hostile));
        for (int i = 0; i < 200; i++) {
            segments.add(Fixtures.comSegment(latin1(COMMENT + i + hostile)));
        }
        return Fixtures.jpegWith(jpeg, segments.toArray(byte[][]::new));
    }

    static byte[] hostilePng(byte[] png) {
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(Fixtures.iCCP(icc));
        chunks.add(Fixtures.pngChunk("eXIf", exif(HTML, "<img src=x onerror=alert(2)>")));
        chunks.add(Fixtures.tEXt(latin1("Comment"), latin1(COMMENT + " \u0001\u0007\u001b " + HTML)));
        chunks.add(Fixtures.tEXt(latin1("Titl\u00e9"), latin1(HTML))); // a Latin-1 keyword: not UTF-8
        chunks.add(Fixtures.zTXt(latin1("Description"), latin1(HTML.repeat(1000))));
        chunks.add(Fixtures.iTXt("XML:com.adobe.xmp", Fixtures.xmpPacket(cdata(HTML)), false));
        chunks.add(Fixtures.iTXt("Comment", COMMENT + " \u2028 " + HTML, true));
        for (int i = 0; i < 300; i++) {
            chunks.add(Fixtures.tEXt(latin1("Comment"), latin1(COMMENT + i)));
        }
        return Fixtures.pngWith(png, chunks.toArray(byte[][]::new));
    }

    static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> args = new ArrayList<>();
        for (String in : List.of("jpeg", "jpeg-long", "jpeg-control", "png", "gif", "webp", "tiff", "avif", "heic")) {
            for (ImageFormat out : ImageFormat.values()) {
                args.add(Arguments.of(in, out));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("matrix")
    void strippedOutputCarriesNoMetadata(String in, ImageFormat out) {
        EngineResult r = engine.convert(inputs.get(in), Fixtures.spec(out, null, null));
        assertThat(r.width()).isEqualTo(Fixtures.W);
        assertThat(r.height()).isEqualTo(Fixtures.H);
        Fixtures.assertDecodes(out, r.bytes(), r.width(), r.height());
        // an SVG result embeds its raster as base64: look inside as well
        byte[] scanned = out == ImageFormat.SVG ? concat(r.bytes(), Fixtures.svgEmbeddedRaster(r.bytes())) : r.bytes();
        for (String marker : MARKERS) {
            assertThat(contains(scanned, marker)).as("%s in %s from %s", marker, out, in).isFalse();
        }
    }

    @Test
    void everyLoaderFieldButLayoutIsRemoved() {
        Set<String> seen = new java.util.TreeSet<>();
        for (var input : inputs.entrySet()) {
            // without the PNG text step, so the loaders' own comment fields reach StripMetadata
            List<Step> steps = List.of(new Steps.Sniff(), new Steps.HeaderLimits(), new Steps.Load(),
                    new Steps.ToSrgb(), new StripMetadata());
            try (PipelineContext ctx = new PipelineContext(input.getValue(), Fixtures.spec(ImageFormat.PNG, null, null),
                    Fixtures.LIMITS, java.time.Duration.ofSeconds(60), null, null)) {
                steps.forEach(s -> s.run(ctx));
                assertThat(Vips.fieldNames(ctx.image())).as(input.getKey()).isSubsetOf(LAYOUT_FIELDS);
            }
            seen.addAll(Fixtures.vipsFields(input.getValue()));
        }
        // the loaders did read the metadata that was removed
        assertThat(seen).contains("exif-data", "exif-ifd0-ImageDescription", "xmp-data", "iptc-data",
                "icc-profile-data");
        assertThat(seen).anyMatch(f -> f.startsWith("png-comment-"));
    }

    @Test
    void keptMetadataStaysWhereTheFormatHoldsIt() {
        byte[] jpeg = engine.convert(inputs.get("jpeg"), Fixtures.spec(ImageFormat.JPEG, null, null, true)).bytes();
        for (String marker : List.of("Exif", "alert(1)", "http://ns.adobe.com/xap/1.0/", "ICC_PROFILE", "8BIM")) {
            assertThat(contains(jpeg, marker)).as(marker).isTrue();
        }
        byte[] webp = engine.convert(inputs.get("jpeg"), Fixtures.spec(ImageFormat.WEBP, null, null, true)).bytes();
        assertThat(contains(webp, "EXIF")).isTrue();
        assertThat(contains(webp, "XMP ")).isTrue();
        Fixtures.assertDecodes(ImageFormat.WEBP, webp, Fixtures.W, Fixtures.H);
        byte[] png = engine.convert(inputs.get("png"), Fixtures.spec(ImageFormat.PNG, null, null, true)).bytes();
        // libvips 8.14's PNG saver writes back neither text chunks nor XMP, only EXIF
        assertThat(contains(png, "eXIf")).isTrue();
        assertThat(contains(png, "alert(1)")).isTrue();
    }

    @Test
    void strippedAnimatedWebpKeepsItsFrames() {
        byte[] webp = engine.convert(Fixtures.animatedGif(), Fixtures.spec(ImageFormat.WEBP, null, null)).bytes();
        assertThat(contains(webp, "EXIF")).isFalse();
        assertThat(contains(webp, "ANIM")).isTrue();
        int[] d = Fixtures.vipsDecode(webp, "n=-1");
        assertThat(d[2]).isEqualTo(3);
        assertThat(d[1]).isEqualTo(32);
    }
}
