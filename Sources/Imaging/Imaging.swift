// The Imaging target: decoding, Pillow-exact resampling, crops and normalisation.
import Tensor
