package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * Makes an untrusted SVG self-contained and inert before librsvg sees it. The document is parsed with
 * the JDK's StAX parser (no DTDs, no entities) and re-serialised as UTF-8 from an allowlist:
 * <ul>
 * <li>input must be UTF-8 (optionally with a UTF-8 BOM) or US-ASCII, at most {@link #MAX_SVG_BYTES};
 * an internal DTD subset, entity declaration or non-predefined entity reference is refused; a
 * DOCTYPE that only names an external DTD (as editors write it) is dropped, never fetched;</li>
 * <li>only SVG-namespace presentation elements are kept; anything else (script, foreignObject,
 * animation, foreign namespaces, ...) is dropped with its subtree, as are comments and PIs;</li>
 * <li>{@code on*} attributes, {@code xml:base}, foreign-namespace attributes and any
 * {@code href}/{@code xlink:href} that is not {@code #fragment} (or, on {@code image}/{@code feImage},
 * a base64 PNG/JPEG/GIF/WebP {@code data:} URI) are dropped;</li>
 * <li>CSS (style attributes, {@code <style>} text, presentation attributes) loses every {@code url(...)}
 * not pointing at a {@code #fragment}; CSS containing an {@code @import} or a backslash (escapes)
 * is dropped entirely.</li>
 * <li>what the document may ask librsvg to compute is bounded by {@link SvgCostBudget} (element and
 * filter-primitive counts, costly filter parameters, expanded references).</li>
 * </ul>
 * Everything runs in time linear in the input size.
 */
public final class SvgSanitizer {

    /** Largest SVG accepted, in bytes. */
    public static final int MAX_SVG_BYTES = 2 * 1024 * 1024;
    /** Deepest element nesting accepted. */
    static final int MAX_DEPTH = 256;

    static final String SVG_NS = "http://www.w3.org/2000/svg";
    static final String XLINK_NS = "http://www.w3.org/1999/xlink";

    private static final Set<String> ELEMENTS = Set.of(
            "svg", "g", "defs", "symbol", "use", "switch", "a", "view",
            "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
            "text", "tspan", "textPath",
            "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
            "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
            "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
            "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
            "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
            "feTurbulence",
            "image", "style", "title", "desc", "metadata");

    /**
     * What a removed {@code url(...)} becomes: an empty same-document reference, which points at
     * nothing, so librsvg ignores the declaration (or uses its fallback) and loads nothing.
     */
    /**
     * What a refused {@code url(...)} becomes: a space, so the text around it cannot join into a
     * new token and a fallback colour after it ({@code url(x) green}) still applies.
     */
    static final String DEAD_URL = " ";

    /** Elements whose href may be an embedded raster image. */
    private static final Set<String> IMAGE_ELEMENTS = Set.of("image", "feImage");
    private static final String[] DATA_IMAGE_PREFIXES = {
        "data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,"};

    private SvgSanitizer() {
    }

    public static byte[] sanitize(byte[] svg) {
        if (svg.length > MAX_SVG_BYTES) {
            throw new PayloadTooLargeException("file_too_large", "SVG file is " + svg.length
                    + " bytes; the limit for SVG is " + MAX_SVG_BYTES + " bytes (2 MB)");
        }
        String text = decode(svg);
        checkDeclaration(text);
        refuseDtd(text);
        return rewrite(text).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- encoding

    private static InvalidImageException invalid(String message) {
        return new InvalidImageException("invalid_image", message);
    }

    private static String decode(byte[] b) {
        int start = 0;
        if (b.length >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)
                || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
            throw invalid("SVG must be encoded as UTF-8 (UTF-16/UTF-32 byte order mark found)");
        }
        if (b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == (byte) 0xFE && b[3] == (byte) 0xFF) {
            throw invalid("SVG must be encoded as UTF-8 (UTF-32 byte order mark found)");
        }
        if (b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
            start = 3;
        }
        for (int i = start; i < b.length; i++) {
            if (b[i] == 0) {
                throw invalid("SVG must be encoded as UTF-8 (NUL byte found; UTF-16/UTF-32 is not accepted)");
            }
        }
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, b.length - start));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw invalid("SVG must be encoded as UTF-8 (invalid UTF-8 byte sequence)");
        }
    }

    /** Checks the XML declaration, if any: version 1.0, encoding UTF-8 or US-ASCII. */
    private static void checkDeclaration(String text) {
        if (!text.startsWith("<?xml") || text.length() < 6 || !isXmlSpace(text.charAt(5))) {
            return; // no declaration; a misplaced one is rejected by the parser
        }
        int end = text.indexOf("?>");
        if (end < 0 || end > 1024) {
            throw invalid("the SVG XML declaration is malformed");
        }
        String decl = text.substring(5, end);
        String version = pseudoAttribute(decl, "version");
        if (version != null && !version.equals("1.0")) {
            throw invalid("only XML 1.0 SVG documents are accepted (declared version " + printable(version) + ")");
        }
        String encoding = pseudoAttribute(decl, "encoding");
        if (encoding == null) {
            return;
        }
        String e = encoding.toUpperCase(Locale.ROOT);
        boolean ascii = e.equals("US-ASCII") || e.equals("ASCII");
        if (!ascii && !e.equals("UTF-8") && !e.equals("UTF8")) {
            throw invalid("SVG must be encoded as UTF-8 or US-ASCII (declared encoding "
                    + printable(encoding) + " is not accepted)");
        }
        if (ascii) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) > 0x7F) {
                    throw invalid("the SVG declares US-ASCII but contains non-ASCII characters");
                }
            }
        }
    }

    /** Value of {@code name="..."} / {@code name='...'} in a (short, bounded) XML declaration. */
    private static String pseudoAttribute(String decl, String name) {
        int from = 0;
        while (true) {
            int i = decl.indexOf(name, from);
            if (i < 0) {
                return null;
            }
            from = i + name.length();
            if (i > 0 && !isXmlSpace(decl.charAt(i - 1))) {
                continue;
            }
            int j = skipSpace(decl, from);
            if (j >= decl.length() || decl.charAt(j) != '=') {
                continue;
            }
            j = skipSpace(decl, j + 1);
            if (j >= decl.length() || (decl.charAt(j) != '"' && decl.charAt(j) != '\'')) {
                throw invalid("the SVG XML declaration is malformed");
            }
            int close = decl.indexOf(decl.charAt(j), j + 1);
            if (close < 0) {
                throw invalid("the SVG XML declaration is malformed");
            }
            return decl.substring(j + 1, close);
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isXmlSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isXmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return "\"" + sb + "\"";
    }

    /** Linear pre-scan: no entity declarations anywhere (also inside comments/CDATA). */
    private static void refuseDtd(String text) {
        if (containsIgnoreCase(text, "<!ENTITY")) {
            throw invalid("SVG documents with entity declarations are not accepted");
        }
    }

    private static boolean containsIgnoreCase(String text, String needle) {
        int from = 0;
        String head = needle.substring(0, 2);
        while (true) {
            int i = text.indexOf(head, from);
            if (i < 0) {
                return false;
            }
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
            from = i + 1;
        }
    }

    // ---------------------------------------------------------------- XML rewrite

    private static XMLInputFactory inputFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        try {
            // the JDK refuses depth over 100 as "not well-formed"; let MAX_DEPTH say it clearly
            f.setProperty("jdk.xml.maxElementDepth", MAX_DEPTH + 1);
        } catch (IllegalArgumentException e) {
            // another StAX implementation: its own limit applies
        }
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new XMLStreamException("external resources are not loaded");
        });
        return f;
    }

    private static String rewrite(String text) {
        StringWriter out = new StringWriter(Math.min(text.length() + 64, MAX_SVG_BYTES));
        XMLStreamReader r = null;
        try {
            r = inputFactory().createXMLStreamReader(new StringReader(text));
            XMLStreamWriter w = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            int depth = 0; // open elements in the input
            int skip = 0; // > 0 while inside a dropped subtree
            boolean sawRoot = false;
            boolean rootClosed = false;
            SvgCostBudget budget = new SvgCostBudget();
            StringBuilder css = null; // non-null while inside a kept <style>
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        if (depth > MAX_DEPTH) {
                            throw invalid("the SVG nests elements deeper than " + MAX_DEPTH + " levels");
                        }
                        if (!sawRoot) {
                            sawRoot = true;
                            if (!SVG_NS.equals(r.getNamespaceURI()) || !"svg".equals(r.getLocalName())) {
                                throw invalid("the document root is not an <svg> element in the SVG namespace");
                            }
                        }
                        if (skip > 0) {
                            skip++;
                        } else if (css != null || !SVG_NS.equals(r.getNamespaceURI())
                                || !ELEMENTS.contains(r.getLocalName())) {
                            skip = 1;
                        } else {
                            String name = r.getLocalName();
                            budget.start(name, r.getAttributeValue(null, "id"));
                            w.writeStartElement(name);
                            if (depth == 1) {
                                w.writeDefaultNamespace(SVG_NS);
                                w.writeNamespace("xlink", XLINK_NS);
                            }
                            writeAttributes(r, w, name, budget);
                            if (name.equals("style")) {
                                css = new StringBuilder();
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        if (skip > 0) {
                            skip--;
                        } else {
                            if (css != null) {
                                String clean = sanitizeCss(css.toString());
                                if (clean != null && !clean.isEmpty()) {
                                    w.writeCharacters(clean);
                                    urlReferences(clean, budget::styleReference);
                                }
                                css = null;
                            }
                            w.writeEndElement();
                            budget.end();
                        }
                        if (depth == 0) {
                            rootClosed = true;
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (skip == 0 && depth > 0) {
                            if (css != null) {
                                css.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                            } else {
                                w.writeCharacters(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                            }
                        }
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> {
                        String ch = predefined(r.getLocalName());
                        if (ch == null) {
                            throw invalid("SVG documents with entity references are not accepted");
                        }
                        if (skip == 0 && depth > 0) {
                            if (css != null) {
                                css.append(ch);
                            } else {
                                w.writeCharacters(ch);
                            }
                        }
                    }
                    case XMLStreamConstants.DTD -> {
                        // "<!DOCTYPE svg PUBLIC ... svg11.dtd>" from editors is harmless once dropped (the
                        // resolver refuses to load anything); an internal subset can declare entities
                        if (r.getText().indexOf('[') >= 0) {
                            throw invalid("SVG documents with an internal DTD subset are not accepted");
                        }
                    }
                    case XMLStreamConstants.ENTITY_DECLARATION, XMLStreamConstants.NOTATION_DECLARATION ->
                        throw invalid("SVG documents with entity declarations are not accepted");
                    default -> {
                        // comments, processing instructions, document start/end: dropped
                    }
                }
            }
            if (!sawRoot || !rootClosed) {
                throw invalid("the SVG document has no complete <svg> root element");
            }
            budget.finish();
            w.writeEndDocument();
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            Location l = e.getLocation();
            String where = l == null || l.getLineNumber() < 0 ? ""
                    : " (line " + l.getLineNumber() + ", column " + l.getColumnNumber() + ")";
            throw new InvalidImageException("invalid_image", "the SVG is not well-formed XML" + where, e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release
                }
            }
        }
        return out.toString();
    }

    private static String predefined(String name) {
        return switch (name == null ? "" : name) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default -> null;
        };
    }

    private static void writeAttributes(XMLStreamReader r, XMLStreamWriter w, String element,
            SvgCostBudget budget) throws XMLStreamException {
        for (int i = 0, n = r.getAttributeCount(); i < n; i++) {
            String ns = r.getAttributeNamespace(i);
            String local = r.getAttributeLocalName(i);
            String value = r.getAttributeValue(i);
            if (ns == null || ns.isEmpty()) {
                if (local.length() >= 2 && local.regionMatches(true, 0, "on", 0, 2)) {
                    continue; // event handlers
                }
                if (local.equals("href")) {
                    String v = safeHref(value, element);
                    if (v != null) {
                        w.writeAttribute("href", v);
                        reference(budget, v);
                    }
                    continue;
                }
                budget.parameter(element, local, value);
                String clean = local.equals("style") ? sanitizeCss(value) : sanitizeAttributeValue(value);
                if (clean != null) {
                    w.writeAttribute(local, clean);
                    urlReferences(clean, f -> reference(budget, f));
                }
            } else if (XLINK_NS.equals(ns)) {
                if (local.equals("href")) {
                    String v = safeHref(value, element);
                    if (v != null) {
                        w.writeAttribute("xlink", XLINK_NS, "href", v);
                        reference(budget, v);
                    }
                }
                // other xlink:* attributes carry nothing librsvg needs
            } else if (XMLConstants.XML_NS_URI.equals(ns)) {
                if ((local.equals("space") || local.equals("lang")) && value.indexOf('\\') < 0) {
                    w.writeAttribute("xml", XMLConstants.XML_NS_URI, local, value);
                }
                // xml:base and the rest are dropped
            }
            // attributes in any other namespace are dropped
        }
    }

    private static void reference(SvgCostBudget budget, String href) {
        if (href.startsWith("#")) {
            budget.reference(href);
        }
    }

    /** Records the {@code url(#id)} references left in a cleaned value (only fragments survive). */
    private static void urlReferences(String clean, java.util.function.Consumer<String> fragment) {
        int i = indexOfIgnoreCase(clean, "url(", 0);
        while (i >= 0) {
            int close = clean.indexOf(')', i);
            if (close < 0) {
                return;
            }
            String target = clean.substring(i + 4, close).strip();
            if (!target.isEmpty() && (target.charAt(0) == '"' || target.charAt(0) == '\'')) {
                target = target.substring(1, Math.max(1, target.length() - 1));
            }
            if (target.startsWith("#")) {
                fragment.accept(target);
            }
            i = indexOfIgnoreCase(clean, "url(", close);
        }
    }

    /** The trimmed href if it is a local fragment or (on image elements) an embedded raster image. */
    static String safeHref(String value, String element) {
        String v = value.strip();
        if (isFragment(v, 0, v.length())) {
            return v;
        }
        if (IMAGE_ELEMENTS.contains(element)) {
            for (String prefix : DATA_IMAGE_PREFIXES) {
                if (v.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    for (int i = prefix.length(); i < v.length(); i++) {
                        char c = v.charAt(i);
                        boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                                || c == '+' || c == '/' || c == '=' || c == ' ' || c == '\n' || c == '\r'
                                || c == '\t';
                        if (!ok) {
                            return null;
                        }
                    }
                    return v;
                }
            }
        }
        return null;
    }

    /** {@code #} followed by name characters only. */
    private static boolean isFragment(String s, int from, int to) {
        if (to - from < 2 || s.charAt(from) != '#') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    /** Presentation attributes are CSS values: same url() rule; escapes drop the attribute. */
    private static String sanitizeAttributeValue(String value) {
        if (value.indexOf('\\') >= 0) {
            return null;
        }
        if (indexOfIgnoreCase(value, "url(", 0) < 0 && indexOfIgnoreCase(value, "@import", 0) < 0) {
            return value;
        }
        return sanitizeCss(value);
    }

    // ---------------------------------------------------------------- CSS

    /**
     * Replaces every {@code url(...)} whose target is not a {@code #fragment} with {@link #DEAD_URL}.
     * Scans the raw text (strings and comments included, so nothing can hide a reference), each
     * character at most a constant number of times. Returns null, dropping the whole value or
     * stylesheet, for text with a backslash (CSS escapes) or an {@code @import}: cutting an import
     * out would join the text around it ({@code u@import;rl(...)} into {@code url(...)}).
     */
    static String sanitizeCss(String css) {
        if (css.indexOf('\\') >= 0 || indexOfIgnoreCase(css, "@import", 0) >= 0) {
            return null;
        }
        int n = css.length();
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            char c = css.charAt(i);
            if ((c == 'u' || c == 'U') && css.regionMatches(true, i, "url(", 0, 4)) {
                i = url(css, i + 4, out);
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /**
     * Handles the body of a {@code url(} starting at {@code from}; appends {@code url(#frag)} or
     * {@link #DEAD_URL} to {@code out}; returns the index after the construct (text after a malformed one
     * is consumed up to the next {@code )}, or to the end).
     */
    private static int url(String css, int from, StringBuilder out) {
        int n = css.length();
        int j = skipCssSpace(css, from);
        if (j < n && (css.charAt(j) == '"' || css.charAt(j) == '\'')) {
            int close = css.indexOf(css.charAt(j), j + 1);
            if (close < 0) {
                out.append(DEAD_URL);
                return n;
            }
            int after = skipCssSpace(css, close + 1);
            if (after < n && css.charAt(after) == ')' && isFragment(css, j + 1, close)) {
                out.append("url(").append(css, j + 1, close).append(')');
                return after + 1;
            }
            out.append(DEAD_URL);
            int paren = css.indexOf(')', close + 1);
            return paren < 0 ? n : paren + 1;
        }
        int paren = css.indexOf(')', j);
        if (paren < 0) {
            out.append(DEAD_URL);
            return n;
        }
        int end = paren;
        while (end > j && isCssSpace(css.charAt(end - 1))) {
            end--;
        }
        if (isFragment(css, j, end)) {
            out.append("url(").append(css, j, end).append(')');
        } else {
            out.append(DEAD_URL);
        }
        return paren + 1;
    }

    private static int skipCssSpace(String s, int i) {
        while (i < s.length() && isCssSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isCssSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        int last = s.length() - needle.length();
        for (int i = from; i <= last; i++) {
            if (s.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
