package dev.lb.replica;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as a POSIX shell would, and does nothing else a shell does: no variables, globs,
 * pipes or redirections. Single quotes keep everything, double quotes keep everything but {@code \"} and {@code \\},
 * a backslash outside quotes keeps the next character.
 */
public final class CommandWords {

  private CommandWords() {}

  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int k = 0; k < line.length(); k++) {
      char c = line.charAt(k);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && k + 1 < line.length() && (line.charAt(k + 1) == '"' || line.charAt(k + 1) == '\\')) {
          word.append(line.charAt(++k));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && k + 1 < line.length()) {
        word.append(line.charAt(++k));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " quote in command: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return List.copyOf(words);
  }
}
