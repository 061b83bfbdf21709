package dev.lb.ring;

/**
 * The assignment's Task 2 functions: {@code H(i) = i² + 2i + 17} and {@code Φ(i, j) = i² + j² + 2j + 25}, mod M.
 *
 * <p>Both polynomials are evaluated on residues mod M, which gives the exact result for any key without overflow.
 */
public final class AssignmentHash implements HashFamily {

  public static final String NAME = "assignment";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int requestSlot(long key, int slots) {
    long i = Math.floorMod(key, slots);
    return (int) ((i * i + 2 * i + 17) % slots);
  }

  @Override
  public int virtualNodeSlot(int ringId, int j, int slots) {
    long i = Math.floorMod(ringId, slots);
    long jj = Math.floorMod(j, slots);
    return (int) ((i * i + jj * jj + 2 * jj + 25) % slots);
  }
}
