package org.strainline.daemon.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A model repository laid out like Triton's: {@code <root>/<name>/<version>/model.onnx} and
 * {@code model.yaml}, versions being whole numbers. A model resolves to its highest version, or to
 * a pinned one; a {@code canary} is the highest version above the production one, run beside it.
 * Errors name the repository, the model and the versions there are.
 */
public final class ModelRepository {
    private final Path root;

    public ModelRepository(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The versions of a model (directories with a model.yaml), ascending. */
    public List<Integer> versions(String name) throws IOException {
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException("model '" + name + "' not in the repository " + root + " (it has " + names() + ")");
        }
        List<Integer> v = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.matches("[1-9][0-9]{0,8}") && Files.isRegularFile(p.resolve("model.yaml"))) {
                    v.add(Integer.parseInt(n));
                }
            }
        }
        Collections.sort(v);
        return v;
    }

    /** The models of the repository, sorted. */
    public List<String> names() throws IOException {
        List<String> l = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p)) {
                        l.add(p.getFileName().toString());
                    }
                }
            }
        }
        Collections.sort(l);
        return l;
    }

    /** A model as configurations and the CLI name it: {@code name} (its newest version) or {@code name:version} (pinned). */
    public record Spec(String name, Integer pinned) {
        public static Spec parse(String spec) {
            int colon = spec.indexOf(':');
            return new Spec(colon < 0 ? spec : spec.substring(0, colon), colon < 0 ? null : Integer.valueOf(spec.substring(colon + 1)));
        }
    }

    /** A model named as configurations and the CLI name it: {@code name} (its newest version) or {@code name:version}. */
    public ModelCard resolve(String spec) throws IOException {
        Spec s = Spec.parse(spec);
        return resolve(s.name(), s.pinned());
    }

    /** The highest version (pinned == null) or the pinned one, loaded and validated. */
    public ModelCard resolve(String name, Integer pinned) throws IOException {
        List<Integer> v = versions(name);
        if (v.isEmpty()) {
            throw new IOException("model '" + name + "' in " + root + " has no version (no <n>/model.yaml)");
        }
        int chosen = pinned == null ? v.get(v.size() - 1) : pinned;
        if (!v.contains(chosen)) {
            throw new IOException("model '" + name + "' has no version " + chosen + " in " + root + " (it has " + v + ")");
        }
        ModelCard card = ModelCard.load(root.resolve(name).resolve(Integer.toString(chosen)));
        if (!card.name().equals(name) || card.version() != chosen) {
            throw new IOException(card.file() + ": name/version say " + card.name() + "/" + card.version()
                    + ", the directory says " + name + "/" + chosen);
        }
        return card;
    }

    /** The canary of a model: its highest version above {@code production}, or null. */
    public ModelCard canary(String name, int production) throws IOException {
        List<Integer> v = versions(name);
        int top = v.isEmpty() ? 0 : v.get(v.size() - 1);
        return top > production ? resolve(name, top) : null;
    }
}
