package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
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
 * again in time and memory by {@link VectorRenderer}; these limits refuse the obvious cases up
 * front with a message that names them.
 *
 * <p>Work and memory are linear in the document: each element keeps its children and its own
 * (distinct) references; the expanded size is computed once per element, iteratively.
 */
final class SvgCostBudget {

    static final int MAX_ELEMENTS = 20_000;
    static final int MAX_REFERENCES = 50_000;
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

    private static final class Element {
        final String name;
        final List<Element> children = new ArrayList<>(0);
        final Set<String> refs = new LinkedHashSet<>(0);

        Element(String name) {
            this.name = name;
        }
    }

    private final Deque<Element> open = new ArrayDeque<>();
    /** The first element opened with an id, as librsvg resolves duplicates. */
    private final Map<String, Element> byId = new HashMap<>();
    /** {@code url(#…)} in style sheets: they may apply to every element. */
    private final Set<String> styleRefs = new LinkedHashSet<>();
    private Element root;
    private int elements;
    private int references;
    private int primitives;

    void start(String element, String id) {
        if (++elements > MAX_ELEMENTS) {
            throw refused("the SVG has more than " + MAX_ELEMENTS + " elements");
        }
        if (element.startsWith("fe") && ++primitives > MAX_FILTER_PRIMITIVES) {
            throw refused("the SVG has more than " + MAX_FILTER_PRIMITIVES + " filter primitives");
        }
        Element e = new Element(element);
        if (id != null && !id.isBlank()) {
            byId.putIfAbsent(id.strip(), e);
        }
        if (root == null) {
            root = e;
        } else if (!open.isEmpty()) {
            open.peek().children.add(e);
        }
        open.push(e);
    }

    void end() {
        open.pop();
    }

    /** A {@code #fragment} reference made by the element now open ({@code href} or {@code url(#…)}). */
    void reference(String fragment) {
        if (!open.isEmpty() && fragment.length() > 1 && open.peek().refs.add(fragment.substring(1))) {
            counted();
        }
    }

    /** A {@code url(#…)} inside a {@code <style>} sheet. */
    void styleReference(String fragment) {
        if (fragment.length() > 1 && styleRefs.add(fragment.substring(1))) {
            counted();
        }
    }

    private void counted() {
        if (++references > MAX_REFERENCES) {
            throw refused("the SVG has more than " + MAX_REFERENCES + " references");
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
        if (root == null) {
            return;
        }
        Map<Element, Long> size = new IdentityHashMap<>();
        long total = expanded(root, size);
        // a style sheet's reference may be drawn once for each element
        for (String ref : styleRefs) {
            Element target = renderedTarget(ref);
            if (target != null) {
                total = add(total, multiply(elements, expanded(target, size)));
            }
        }
        check(total);
    }

    /**
     * Elements drawn for {@code start}: itself, its children and what its references draw,
     * computed once per element with an explicit stack (a chain of references cannot overflow
     * the thread's stack); a reference back to an element still being counted is a cycle.
     */
    private long expanded(Element start, Map<Element, Long> size) {
        Set<Element> inProgress = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Element> stack = new ArrayDeque<>();
        stack.push(start);
        while (!stack.isEmpty()) {
            Element e = stack.peek();
            if (size.containsKey(e)) {
                stack.pop();
                continue;
            }
            if (inProgress.add(e)) {
                for (Element dep : dependencies(e)) {
                    if (inProgress.contains(dep) && !size.containsKey(dep)) {
                        throw refused("the SVG has circular references");
                    }
                    if (!size.containsKey(dep)) {
                        stack.push(dep);
                    }
                }
                continue;
            }
            long n = 1;
            for (Element c : e.children) {
                n = add(n, size.get(c));
            }
            for (String ref : e.refs) {
                Element target = renderedTarget(ref);
                if (target != null) {
                    n = add(n, size.get(target));
                }
            }
            check(n);
            size.put(e, n);
            inProgress.remove(e);
            stack.pop();
        }
        return size.get(start);
    }

    private List<Element> dependencies(Element e) {
        List<Element> deps = new ArrayList<>(e.children);
        for (String ref : e.refs) {
            Element target = renderedTarget(ref);
            if (target != null) {
                deps.add(target);
            }
        }
        return deps;
    }

    private Element renderedTarget(String id) {
        Element target = byId.get(id);
        return target != null && RENDERED_PER_REFERENCE.contains(target.name) ? target : null;
    }

    private static void check(long n) {
        if (n > MAX_RENDERED_ELEMENTS) {
            throw refused("the SVG renders more than " + MAX_RENDERED_ELEMENTS
                    + " elements once its references are expanded");
        }
    }

    /** Saturating: the totals only need to be compared with the limit. */
    private static long add(long a, long b) {
        return Math.min(a + b, MAX_RENDERED_ELEMENTS + 1);
    }

    private static long multiply(long a, long b) {
        return a != 0 && b > (MAX_RENDERED_ELEMENTS + 1) / a ? MAX_RENDERED_ELEMENTS + 1 : a * b;
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
