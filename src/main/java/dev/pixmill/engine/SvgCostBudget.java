package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Static bounds on what an SVG may ask librsvg to compute, checked while {@link SvgSanitizer}
 * streams the document: element and filter-primitive counts, the parameters whose cost grows
 * without bound (blur deviation, turbulence octaves, morphology radius, convolution order), and
 * the number of elements rendered once {@code use}/{@code href} and {@code url(#…)} references
 * to patterns, masks, markers, clip paths and filters are expanded (a few hundred bytes of
 * nested {@code <use>} can otherwise mean billions of elements). The render itself is bounded
 * again in time and memory by {@code VectorRenderer}; these limits refuse the obvious cases up
 * front with a message that names them.
 */
final class SvgCostBudget {

    static final int MAX_ELEMENTS = 20_000;
    static final int MAX_FILTER_PRIMITIVES = 64;
    static final long MAX_RENDERED_ELEMENTS = 100_000;
    static final double MAX_BLUR_DEVIATION = 200;
    static final int MAX_TURBULENCE_OCTAVES = 8;
    static final double MAX_MORPHOLOGY_RADIUS = 50;
    static final int MAX_CONVOLVE_ORDER = 7;

    /** Targets that are rendered again for each reference; gradients and the like are not. */
    private static final Set<String> RENDERED_PER_REFERENCE = Set.of(
            "svg", "g", "symbol", "use", "switch", "a", "path", "rect", "circle", "ellipse", "line", "polyline",
            "polygon", "text", "image", "pattern", "mask", "marker", "clipPath", "filter");

    /** One open kept element: its own subtree size and the references made inside it. */
    private static final class Frame {
        final String name;
        final String id;
        long elements = 1;
        final List<String> refs = new ArrayList<>(0);

        Frame(String name, String id) {
            this.name = name;
            this.id = id;
        }
    }

    private final Deque<Frame> open = new ArrayDeque<>();
    private final Map<String, Frame> byId = new HashMap<>();
    private Frame root;
    private int elements;
    private int primitives;

    void start(String element, String id) {
        if (++elements > MAX_ELEMENTS) {
            throw refused("the SVG has more than " + MAX_ELEMENTS + " elements");
        }
        if (element.startsWith("fe") && ++primitives > MAX_FILTER_PRIMITIVES) {
            throw refused("the SVG has more than " + MAX_FILTER_PRIMITIVES + " filter primitives");
        }
        Frame f = new Frame(element, id == null || id.isBlank() ? null : id.strip());
        if (root == null) {
            root = f;
        }
        open.push(f);
    }

    void end() {
        Frame f = open.pop();
        if (f.id != null) {
            byId.putIfAbsent(f.id, f);
        }
        Frame parent = open.peek();
        if (parent != null) {
            parent.elements += f.elements;
            parent.refs.addAll(f.refs);
        }
    }

    /** A {@code #fragment} reference made by the element now open ({@code href} or {@code url(#…)}). */
    void reference(String fragment) {
        if (!open.isEmpty() && fragment.length() > 1) {
            open.peek().refs.add(fragment.substring(1));
        }
    }

    /** Checks the attributes whose cost grows with their value. */
    void parameter(String element, String attribute, String value) {
        switch (element) {
            case "feGaussianBlur", "feDropShadow" -> {
                if (attribute.equals("stdDeviation")) {
                    atMost(element, attribute, value, MAX_BLUR_DEVIATION);
                }
            }
            case "feTurbulence" -> {
                if (attribute.equals("numOctaves")) {
                    atMost(element, attribute, value, MAX_TURBULENCE_OCTAVES);
                }
            }
            case "feMorphology" -> {
                if (attribute.equals("radius")) {
                    atMost(element, attribute, value, MAX_MORPHOLOGY_RADIUS);
                }
            }
            case "feConvolveMatrix" -> {
                if (attribute.equals("order")) {
                    atMost(element, attribute, value, MAX_CONVOLVE_ORDER);
                }
            }
            default -> {
                // no other parameter multiplies the work
            }
        }
    }

    /** After the document: the element count once every reference is expanded. */
    void finish() {
        if (root != null) {
            expanded(root, new HashMap<>(), new java.util.HashSet<>());
        }
    }

    private long expanded(Frame f, Map<Frame, Long> memo, Set<Frame> inProgress) {
        Long known = memo.get(f);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(f)) {
            throw refused("the SVG has circular references");
        }
        long total = f.elements;
        for (String ref : f.refs) {
            Frame target = byId.get(ref);
            if (target == null || !RENDERED_PER_REFERENCE.contains(target.name)) {
                continue;
            }
            total += expanded(target, memo, inProgress);
            if (total > MAX_RENDERED_ELEMENTS) {
                throw refused("the SVG renders more than " + MAX_RENDERED_ELEMENTS
                        + " elements once its references are expanded");
            }
        }
        inProgress.remove(f);
        memo.put(f, total);
        return total;
    }

    private static void atMost(String element, String attribute, String value, double limit) {
        for (String part : value.strip().split("[\\s,]+")) {
            if (part.isEmpty()) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                continue; // not a number: librsvg ignores it and uses the default
            }
            if (!Double.isFinite(v) || Math.abs(v) > limit) {
                throw refused(String.format(Locale.ROOT, "%s %s=\"%s\" is over the limit of %s", element, attribute,
                        part.length() > 24 ? part.substring(0, 24) + "…" : part, fmt(limit)));
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static InvalidImageException refused(String message) {
        return new InvalidImageException("invalid_image", message);
    }
}
