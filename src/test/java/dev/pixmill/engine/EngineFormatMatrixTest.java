package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

/** Every readable input format × every writable output format, resized into 48×48. */
class EngineFormatMatrixTest {

    static ImageEngine engine;
    static Map<ImageFormat, byte[]> inputs;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        inputs = Fixtures.inputs(engine);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> args = new ArrayList<>();
        for (ImageFormat in : ImageFormat.values()) {
            for (ImageFormat out : ImageFormat.values()) {
                args.add(Arguments.of(in, out));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("matrix")
    void converts(ImageFormat in, ImageFormat out) throws Exception {
        byte[] input = inputs.get(in);
        ImageInfo info = engine.probe(input, Fixtures.LIMITS);
        assertThat(info.format()).isEqualTo(in);
        assertThat(info.width()).isCloseTo(96, org.assertj.core.data.Offset.offset(1));
        assertThat(info.height()).isCloseTo(64, org.assertj.core.data.Offset.offset(1));

        EngineResult r = engine.convert(input, Fixtures.spec(out, 48, 48));
        assertThat(r.format()).isEqualTo(out);
        assertThat(r.width()).isEqualTo(48);
        assertThat(r.height()).isCloseTo(32, org.assertj.core.data.Offset.offset(1));
        byte[] b = r.bytes();

        switch (out) {
            case PDF -> {
                assertThat(new String(b, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
                try (PDDocument doc = Loader.loadPDF(b)) {
                    assertThat(doc.getNumberOfPages()).isEqualTo(1);
                    PDRectangle box = doc.getPage(0).getMediaBox();
                    assertThat(box.getWidth()).isEqualTo(r.width());
                    assertThat(box.getHeight()).isEqualTo(r.height());
                }
            }
            case SVG -> {
                var f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(b)).getDocumentElement();
                assertThat(root.getLocalName()).isEqualTo("svg");
                assertThat(root.getAttribute("width")).isEqualTo(String.valueOf(r.width()));
                assertThat(root.getAttribute("height")).isEqualTo(String.valueOf(r.height()));
                Element image = (Element) root.getElementsByTagNameNS("http://www.w3.org/2000/svg", "image").item(0);
                assertThat(image.getAttributeNS("http://www.w3.org/1999/xlink", "href")).startsWith("data:image/");
                // and libvips renders it back at the same size
                int[] d = Fixtures.vipsDecode(b, "");
                assertThat(d[0]).isEqualTo(r.width());
                assertThat(d[1]).isEqualTo(r.height());
            }
            case BMP, ICO -> {
                assertThat(FormatSniffer.sniff(b)).contains(out);
                try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(b))) {
                    ImageReader reader = ImageIO.getImageReadersByFormatName(out == ImageFormat.BMP ? "bmp" : "ico")
                            .next();
                    reader.setInput(iis);
                    var img = reader.read(0);
                    assertThat(img.getWidth()).isEqualTo(r.width());
                    assertThat(img.getHeight()).isEqualTo(r.height());
                    reader.dispose();
                }
            }
            default -> {
                assertThat(FormatSniffer.sniff(b)).contains(out);
                int[] d = Fixtures.vipsDecode(b, "");
                assertThat(d[0]).isEqualTo(r.width());
                assertThat(d[1]).isEqualTo(r.height());
            }
        }
    }
}
