package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SvgSanitizerTest {

    private static final String OPEN = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
            + "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"40\" height=\"20\">";

    private static String clean(String svg) {
        return new String(SvgSanitizer.sanitize(svg.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static void refused(byte[] svg, String messagePart) {
        assertThatThrownBy(() -> SvgSanitizer.sanitize(svg)).isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("invalid_image"))
                .hasMessageContaining(messagePart);
    }

    private static void refused(String svg, String messagePart) {
        refused(svg.getBytes(StandardCharsets.UTF_8), messagePart);
    }

    /** Runs the sanitiser; it may accept or refuse, but must finish in well under the bound. */
    private static void fast(String svg) {
        byte[] in = svg.getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        try {
            SvgSanitizer.sanitize(in);
        } catch (InvalidImageException | PayloadTooLargeException expected) {
            // refusing is fine too
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("sanitize time in ms").isLessThan(2000);
    }

    @Test
    void pathologicalInputsRunInLinearTime() {
        fast(OPEN.substring(0, OPEN.length() - 1) + "><style>" + "url(".repeat(200_000) + "</style></svg>");
        fast(OPEN + "<rect style=\"" + "url(".repeat(200_000) + "\"/></svg>");
        fast(OPEN + "<rect fill=\"" + "url(\"".replace("\"", "&quot;").repeat(100_000) + "\"/></svg>");
        fast(OPEN + "<style>" + "url('url(".repeat(100_000) + ")</style></svg>");
        fast(OPEN + "<style>" + "@import ".repeat(200_000) + "</style></svg>");
        fast("<!DOCTYPE [".repeat(150_000) + OPEN + "</svg>");
        fast("<svg>" + "url(".repeat(200_000));
        fast(OPEN + "<g>".repeat(100_000) + "</g>".repeat(100_000) + "</svg>");
    }

    @Test
    void oversizedSvgIsRefusedNamingTheLimit() {
        byte[] big = (OPEN + "<desc>" + "x".repeat(SvgSanitizer.MAX_SVG_BYTES) + "</desc></svg>")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SvgSanitizer.sanitize(big)).isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining(String.valueOf(SvgSanitizer.MAX_SVG_BYTES));
    }

    @Test
    void onlyUtf8AndAsciiAreAccepted() {
        refused("<?xml version=\"1.0\" encoding=\"UTF-7\"?>" + OPEN
                + "+ADw-image xlink:href+AD0AIg-file:///etc/passwd+ACI-/+AD4-</svg>", "UTF-7");
        refused("<?xml version='1.0' encoding='ISO-8859-1'?>" + OPEN + "</svg>", "encoding");

        ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
        utf16.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
        utf16.writeBytes((OPEN + "</svg>").getBytes(StandardCharsets.UTF_16LE));
        refused(utf16.toByteArray(), "UTF-8");
        ByteArrayOutputStream utf16be = new ByteArrayOutputStream();
        utf16be.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF});
        utf16be.writeBytes((OPEN + "</svg>").getBytes(StandardCharsets.UTF_16BE));
        refused(utf16be.toByteArray(), "UTF-8");
        refused((OPEN + "</svg>").getBytes(StandardCharsets.UTF_16LE), "UTF-8");
        refused(new byte[] {'<', 's', 'v', 'g', (byte) 0xC3, '>'}, "UTF-8");

        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.writeBytes(("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + OPEN + "<title>caf\u00e9</title></svg>")
                .getBytes(StandardCharsets.UTF_8));
        String out = new String(SvgSanitizer.sanitize(bom.toByteArray()), StandardCharsets.UTF_8);
        assertThat(out).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").contains("caf\u00e9")
                .doesNotContain("\uFEFF");

        assertThat(clean("<?xml version=\"1.0\" encoding=\"US-ASCII\"?>" + OPEN + "</svg>"))
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").contains("<svg");
        assertThat(clean(OPEN + "</svg>")).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }

    @Test
    void dtdsAndEntitiesAreRefused() {
        refused("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x \"boom\">]>" + OPEN + "<text>&x;</text></svg>",
                "entity");
        refused("<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + OPEN + "<text>&x;</text></svg>",
                "entity");
        refused("<!DOCTYPE svg [<!ATTLIST svg x CDATA \"y\">]>" + OPEN + "</svg>", "DTD subset");
        // the DOCTYPE editors write only names an external DTD: dropped, never fetched (the resolver
        // refuses every load, so an attempt would have refused the document)
        String editorExport = clean("<?xml version=\"1.0\"?><!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                + "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">" + OPEN + "<rect width=\"4\" height=\"4\"/></svg>");
        assertThat(editorExport).doesNotContainIgnoringCase("DOCTYPE").doesNotContain("svg11.dtd").contains("<rect");
        assertThat(clean("<!DOCTYPE svg SYSTEM \"http://127.0.0.1/x.dtd\">" + OPEN + "</svg>"))
                .doesNotContainIgnoringCase("doctype").doesNotContain("127.0.0.1");
        // undeclared entity reference: not well-formed, refused
        refused(OPEN + "<text>&nbsp;</text></svg>", "");
        // the five predefined entities and character references are fine
        assertThat(clean(OPEN + "<text>a &amp; b &lt; c &#x41;</text></svg>")).contains("a &amp; b &lt; c A");
    }

    @Test
    void malformedOrForeignDocumentsAreRefused() {
        refused(OPEN + "<g></svg>", "well-formed");
        refused(OPEN, "");
        refused("<html xmlns=\"http://www.w3.org/1999/xhtml\"><svg/></html>", "root");
        refused("<svg width=\"4\" height=\"4\"/>", "root"); // no SVG namespace: librsvg would not render it
    }

    @Test
    void activeAndExternalContentIsRemoved() {
        String png = Base64.getEncoder().encodeToString(Fixtures.png(Fixtures.base(32, 32)));
        String svg = """
                <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
                     xmlns:x="urn:evil" width="40" height="20" onload="alert(1)" xml:base="http://evil.example/">
                  <?xml-stylesheet href="http://evil.example/s.css"?>
                  <!-- comment -->
                  <script>alert(2)</script>
                  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
                  <x:include href="file:///etc/passwd"/>
                  <g xml:base="file:///etc/" onclick="alert(3)" x:attr="1">
                    <image id="a" href="data:image/svg+xml;base64,PHN2Zy8+"/>
                    <image id="b" xlink:href="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;"/>
                    <a href="javascript:alert(5)"><rect id="r" width="4" height="4"/></a>
                    <image id="c" xlink:href="  data:image/png;base64,%s  "/>
                    <use xlink:href="#r"/>
                    <use href="#r" x="5"/>
                    <use href="data:image/png;base64,%s"/>
                    <image id="d" href="file:///etc/passwd"/>
                  </g>
                  <animate attributeName="href" to="http://evil.example/"/>
                  <set attributeName="xlink:href" to="file:///etc/passwd"/>
                  <style>rect { fill: u\\72l(http://evil.example/a) }</style>
                  <rect width="1" height="1" style="fill: u\\72l(http://evil.example/b)"/>
                  <rect width="1" height="1" fill="u\\72l(http://evil.example/c)"/>
                  <rect width="1" height="1" style="fill: url(#grad); stroke: URL( 'http://evil.example/d' )"/>
                  <rect width="1" height="1" fill="url(http://evil.example/e#g)" stroke="url(#grad)"/>
                  <style>@import 'http://evil.example/f.css'; @IMPORT url(http://evil.example/g.css);
                    circle { fill: url("#grad") } ellipse { fill: url(data:image/svg+xml,x) }</style>
                </svg>
                """.formatted(png, png);
        String out = clean(svg);
        assertThat(out).doesNotContain("onload").doesNotContain("onclick").doesNotContain("alert")
                .doesNotContain("xml:base").doesNotContain("<script").doesNotContain("foreignObject")
                .doesNotContain("xhtml").doesNotContain("include").doesNotContain("urn:evil")
                .doesNotContain("x:attr").doesNotContain("xml-stylesheet").doesNotContain("comment")
                .doesNotContain("data:image/svg+xml").doesNotContain("data:text").doesNotContain("javascript:")
                .doesNotContain("\\72").doesNotContain("\\").doesNotContain("evil.example")
                .doesNotContain("file:").doesNotContain("@import").doesNotContain("@IMPORT")
                .doesNotContain("<animate").doesNotContain("<set")
                .contains("xlink:href=\"#r\"").contains("href=\"#r\"")
                .contains("xlink:href=\"data:image/png;base64," + png + "\"")
                .contains("fill: url(#grad)").contains("stroke=\"url(#grad)\"")
                .contains("<rect id=\"r\" width=\"4\" height=\"4\"")
                .contains("width=\"40\"").contains("height=\"20\"");
        // data: raster URIs only on image elements
        assertThat(out).containsOnlyOnce("data:image/png");
    }

    @Test
    void cssScannerKeepsFragmentsAndRemovesEverythingElse() {
        assertThat(SvgSanitizer.sanitizeCss("a{fill:url(#g)}b{fill:url( \"#h\" )}")).isEqualTo(
                "a{fill:url(#g)}b{fill:url(#h)}");
        assertThat(SvgSanitizer.sanitizeCss("a{fill:url(x.svg#g) red}")).isEqualTo("a{fill:  red}");
        assertThat(SvgSanitizer.sanitizeCss("a{fill:url(\"#g\" x)} b{c:d}")).isEqualTo("a{fill: } b{c:d}");
        assertThat(SvgSanitizer.sanitizeCss("a{fill:url(http://x")).isEqualTo("a{fill: ");
        assertThat(SvgSanitizer.sanitizeCss("/* url(#a) */ a{fill:url('x)') }")).isEqualTo(
                "/* url(#a) */ a{fill:  }");
        // a removal never joins its neighbours into a new reference
        assertThat(SvgSanitizer.sanitizeCss("fill:uurl(http://x)rl(data:image/svg+xml,x)"))
                .isEqualTo("fill:u rl(data:image/svg+xml,x)");
        // an @import drops the whole value: cutting it out would join "u" and "rl(" (found in review)
        assertThat(SvgSanitizer.sanitizeCss("@import \"x.css\"; a{}")).isNull();
        assertThat(SvgSanitizer.sanitizeCss("u@import;rl(data:image/svg+xml;base64,PHN2Zz4=#g) green")).isNull();
        assertThat(SvgSanitizer.sanitizeCss("@im@import;port \"http://x/y.css\";")).isNull();
        assertThat(SvgSanitizer.sanitizeCss("a{fill:u\\72l(x)}")).isNull();
    }

    @Test
    void ordinarySvgStillRenders() {
        String png = Base64.getEncoder().encodeToString(Fixtures.png(Fixtures.base(32, 32)));
        String svg = """
                <?xml version="1.0" encoding="UTF-8" standalone="no"?>
                <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
                     width="120" height="60" viewBox="0 0 240 120">
                  <title>ordinary</title>
                  <defs>
                    <linearGradient id="grad" x1="0" x2="1" y1="0" y2="0">
                      <stop offset="0" stop-color="#00ff00"/>
                      <stop offset="1" stop-color="#00ff00"/>
                    </linearGradient>
                    <path id="tri" d="M0 0 L20 0 L10 20 Z" fill="#0000ff"/>
                  </defs>
                  <style><![CDATA[ .bg { fill: url(#grad); } ]]></style>
                  <rect class="bg" width="240" height="120"/>
                  <use xlink:href="#tri" x="200" y="90"/>
                  <text x="10" y="100" font-size="20" fill="#000">Hello &amp; bye</text>
                  <image x="220" y="0" width="8" height="8" href="data:image/png;base64,%s"/>
                </svg>
                """.formatted(png);
        String out = clean(svg);
        assertThat(out).contains("fill: url(#grad);").contains("xlink:href=\"#tri\"").contains("viewBox=\"0 0 240 120\"")
                .contains("Hello &amp; bye").contains("data:image/png;base64,");

        EngineResult r = new ImageEngine().convert(svg.getBytes(StandardCharsets.UTF_8),
                Fixtures.spec(ImageFormat.PNG, null, null));
        assertThat(r.width()).isEqualTo(120);
        assertThat(r.height()).isEqualTo(60);
        int p = Fixtures.read(r.bytes()).getRGB(60, 10); // gradient background via CSS url(#grad)
        assertThat((p >> 8) & 0xFF).isGreaterThan(200);
        assertThat((p >> 16) & 0xFF).isLessThan(60);
        int q = Fixtures.read(r.bytes()).getRGB(105, 48); // the <use>d blue triangle
        assertThat(q & 0xFF).isGreaterThan(200);
    }

    // ------------------------------------------------------------------ cost bounds

    private static String filter(String primitive) {
        return OPEN + "<filter id=\"f\">" + primitive + "</filter><rect width=\"40\" height=\"20\" filter=\"url(#f)\"/></svg>";
    }

    @Test
    void filterParametersWhoseCostGrowsAreBounded() {
        refused(filter("<feGaussianBlur stdDeviation=\"100000\"/>"), "feGaussianBlur stdDeviation=\"100000\" is over the limit of 200");
        refused(filter("<feGaussianBlur stdDeviation=\"2 1e400\"/>"), "stdDeviation");
        refused(filter("<feDropShadow stdDeviation=\"5000\"/>"), "feDropShadow");
        refused(filter("<feTurbulence baseFrequency=\"0.01\" numOctaves=\"100000\"/>"), "numOctaves");
        refused(filter("<feMorphology radius=\"10 900\"/>"), "feMorphology radius=\"900\"");
        refused(filter("<feConvolveMatrix order=\"40\" kernelMatrix=\"1\"/>"), "feConvolveMatrix order");
        // ordinary values pass unchanged
        assertThat(clean(filter("<feGaussianBlur stdDeviation=\"4 2\"/><feTurbulence numOctaves=\"4\"/>")))
                .contains("stdDeviation=\"4 2\"").contains("numOctaves=\"4\"");
    }

    @Test
    void elementAndPrimitiveCountsAreBounded() {
        refused(OPEN + "<rect/>".repeat(SvgCostBudget.MAX_ELEMENTS + 1) + "</svg>", "more than 20000 elements");
        refused(filter("<feOffset dx=\"1\"/>".repeat(SvgCostBudget.MAX_FILTER_PRIMITIVES + 1)), "filter primitives");
        // dropped elements do not count: they never reach librsvg
        assertThat(clean(OPEN + "<script/>".repeat(SvgCostBudget.MAX_ELEMENTS + 10) + "<rect/></svg>")).contains("<rect");
    }

    @Test
    void nestedUseThatExpandsExponentiallyIsRefused() {
        // 10 levels of 10 <use> each: 200 elements in the file, 10^10 once expanded
        StringBuilder svg = new StringBuilder(OPEN).append("<defs><rect id=\"l0\" width=\"1\" height=\"1\"/>");
        for (int level = 1; level <= 10; level++) {
            svg.append("<g id=\"l").append(level).append("\">");
            for (int i = 0; i < 10; i++) {
                svg.append("<use href=\"#l").append(level - 1).append("\"/>");
            }
            svg.append("</g>");
        }
        svg.append("</defs><use xlink:href=\"#l10\"/></svg>");
        refused(svg.toString(), "once its references are expanded");
        // patterns referenced through url(#…) count as well
        String patterns = OPEN + "<defs><pattern id=\"p\" width=\"1\" height=\"1\">" + "<rect/>".repeat(1000)
                + "</pattern></defs>" + "<rect fill=\"url(#p)\"/>".repeat(200) + "</svg>";
        refused(patterns, "once its references are expanded");
        // a gradient used many times costs nothing extra
        String gradients = OPEN + "<defs><linearGradient id=\"g\">" + "<stop/>".repeat(50) + "</linearGradient></defs>"
                + "<rect fill=\"url(#g)\"/>".repeat(5000) + "</svg>";
        assertThat(clean(gradients)).contains("url(#g)");
    }

    @Test
    void circularReferencesAreRefused() {
        refused(OPEN + "<g id=\"a\"><use href=\"#b\"/></g><g id=\"b\"><use href=\"#a\"/></g></svg>", "circular");
    }

    @Test
    void aLongReferenceChainIsCountedWithoutRecursion() {
        StringBuilder svg = new StringBuilder(OPEN).append("<defs>");
        for (int i = 0; i < 8000; i++) {
            svg.append("<use id=\"a").append(i).append("\" href=\"#a").append(i + 1).append("\"/>");
        }
        svg.append("<rect id=\"a8000\"/></defs><use href=\"#a0\"/></svg>");
        fast(svg.toString()); // no StackOverflowError: accepted or refused, in linear time
    }

    @Test
    void manyReferencesUnderDeepIdsStayLinear() {
        StringBuilder svg = new StringBuilder(OPEN).append("<defs><linearGradient id=\"x\"/></defs>");
        for (int i = 0; i < 95; i++) {
            svg.append("<g id=\"g").append(i).append("\">");
        }
        svg.append("<rect fill=\"").append("url(#x)".repeat(250_000)).append("\"/>");
        svg.append("</g>".repeat(95)).append("</svg>");
        fast(svg.toString());
        // distinct references are what count
        StringBuilder many = new StringBuilder(OPEN);
        for (int i = 0; i < 100; i++) {
            many.append("<rect fill=\"");
            for (int j = 0; j < 600; j++) {
                many.append("url(#r").append(i * 600 + j).append(")");
            }
            many.append("\"/>");
        }
        refused(many.append("</svg>").toString(), "more than 50000 references");
    }

    @Test
    void theFirstElementWithAnIdIsTheOneReferencedAsLibrsvgResolvesIt() {
        String svg = OPEN + "<defs><g id=\"a\"><g id=\"a\"/>" + "<rect/>".repeat(15_000) + "</g></defs>"
                + "<use href=\"#a\"/>".repeat(7) + "</svg>";
        refused(svg, "once its references are expanded");
    }

    @Test
    void styleSheetReferencesCountForEveryElement() {
        String svg = OPEN + "<style>rect { mask: url(#m); }</style><defs><mask id=\"m\">"
                + "<circle r=\"1\"/>".repeat(2_000) + "</mask></defs>" + "<rect width=\"1\" height=\"1\"/>".repeat(100)
                + "</svg>";
        refused(svg, "once its references are expanded");
        String gradient = OPEN + "<style>rect { fill: url(#g); }</style><defs><linearGradient id=\"g\">"
                + "<stop/>".repeat(100) + "</linearGradient></defs>" + "<rect/>".repeat(5_000) + "</svg>";
        assertThat(clean(gradient)).contains("url(#g)");
    }

    @Test
    void nestingPastTheLimitIsRefusedWithItsOwnMessage() {
        refused(OPEN + "<g>".repeat(300) + "</g>".repeat(300) + "</svg>", "deeper than 256 levels");
        assertThat(clean(OPEN + "<g>".repeat(200) + "<rect/>" + "</g>".repeat(200) + "</svg>")).contains("<rect");
    }
}
