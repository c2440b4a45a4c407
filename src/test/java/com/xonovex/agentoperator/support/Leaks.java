package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Assertions that a secret is nowhere: in no file under some directories, and in no git object stored there. */
public final class Leaks {
    private Leaks() {
    }

    /** The secret is in no regular file under the roots (symlinks are not followed: a link is not a copy). */
    public static void assertNotInFiles(String secret, Path... roots) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(f -> {
                    try {
                        assertThat(indexOf(Files.readAllBytes(f), needle)).as("secret found in %s", f).isNegative();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /**
     * The secret is in no object of any git repository under the roots (objects are compressed, so a file search
     * cannot see into them); returns how many repositories were searched.
     */
    public static int assertNotInObjects(GitCli git, String secret, Path... roots)
            throws IOException, InterruptedException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        int searched = 0;
        for (Path gitDir : gitDirs(roots)) {
            assertThat(indexOf(git.allObjects(gitDir), needle)).as("secret found in an object of %s", gitDir)
                    .isNegative();
            searched++;
        }
        return searched;
    }

    /** Directories under the roots that look like a git directory (HEAD and objects/), not below a symlink. */
    public static List<Path> gitDirs(Path... roots) throws IOException {
        var found = new java.util.ArrayList<Path>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(root)) {
                dirs.filter(d -> Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(d -> Files.isRegularFile(d.resolve("HEAD")) && Files.isDirectory(d.resolve("objects")))
                        .forEach(found::add);
            }
        }
        return found;
    }

    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
