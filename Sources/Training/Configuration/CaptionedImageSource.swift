import Datasets

/// Where the images of the text-to-image sections (`stylegan`, `captioner`, `text2face`,
/// `diffusion`) come from, the `data.source` field:
///
/// - `person_folders` (default): photos in person folders (`person_folders`, the ORL faces) with
///   captions synthesised from the face attribute table (`attributes`, `FaceCaptions`); the people
///   at positions `people` train, those at `validation_people` are held out.
/// - `fashion_mnist`: Fashion-MNIST items (`fashion_mnist_folder`, the idx files) with captions
///   synthesised from their class and attributes measured from their pixels (`FashionCaptions`);
///   the items `items` of the idx training set train, the items `validation_items` of the idx test
///   set are held out. The 28×28 items are padded with black to 32×32 and then resized to
///   `image_size` when that differs.
public enum CaptionedImageSource: String, Codable, Sendable, CaseIterable {
    case personFolders = "person_folders"
    case fashionMNIST = "fashion_mnist"

    /// Debian's `dataset-fashion-mnist` folder, the default of `fashion_mnist_folder`.
    public static let defaultFashionMNISTFolder = FashionMNIST.defaultDirectory.path
}
