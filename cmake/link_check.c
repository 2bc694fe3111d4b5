/* link_check.c — the program each layer's library is linked into whole,
 * with only the layers below it (CMakeLists.txt, ss_layer_link_check): it
 * links only if no code of the layer calls a layer above it. */
int main(void) { return 0; }
