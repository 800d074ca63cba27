import Foundation

/// A COCO object-instances file (`annotations/instances_val2017.json`; Lin et al. 2014,
/// "Microsoft COCO: Common Objects in Context"): `images` (`COCOImage`), `categories`
/// `{"id": 18, "name": "dog", "supercategory": "animal"}` and `annotations`, one object each:
/// `{"id": 1768, "image_id": 9, "category_id": 18, "bbox": [x, y, width, height], "iscrowd": 0,
/// "area": 1035.7, "segmentation": …}`. Boxes are in pixels, (x, y) the top-left corner.
/// Segmentations are not read.
///
/// Read strictly: ids are unique integers, every annotation's `image_id` and `category_id` must be
/// listed, a box is 4 finite numbers with non-negative width and height, `iscrowd` is 0, 1, true
/// or false (absent means 0), category names are not empty.
public struct COCOInstances: Sendable, Equatable {
    /// One category.
    public struct Category: Sendable, Equatable, Decodable {
        public var id: Int64
        public var name: String
        public var supercategory: String?

        public init(id: Int64, name: String, supercategory: String? = nil) {
            self.id = id
            self.name = name
            self.supercategory = supercategory
        }
    }

    /// An axis-aligned box in pixels: `[x, y, width, height]` as COCO writes it.
    public struct Box: Sendable, Equatable, Decodable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            var values: [Double] = []
            while !container.isAtEnd { values.append(try container.decode(Double.self)) }
            guard values.count == 4, values.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "must be 4 finite numbers [x, y, width, height], found \(values.count)"))
            }
            guard values[2] >= 0, values[3] >= 0 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "has a negative width or height (\(values[2]) × \(values[3]))"))
            }
            (x, y, width, height) = (values[0], values[1], values[2], values[3])
        }
    }

    /// One annotated object.
    public struct Object: Sendable, Equatable {
        public var id: Int64
        /// The position of its image in `images`.
        public var image: Int
        /// The position of its category in `categories`.
        public var category: Int
        public var box: Box
        /// A crowd region (several objects under one mask), which COCO's evaluation ignores.
        public var isCrowd: Bool
        /// The segmentation's area in pixels, when given.
        public var area: Double?

        public init(id: Int64, image: Int, category: Int, box: Box, isCrowd: Bool = false, area: Double? = nil) {
            self.id = id
            self.image = image
            self.category = category
            self.box = box
            self.isCrowd = isCrowd
            self.area = area
        }
    }

    public let images: [COCOImage]
    public let categories: [Category]
    /// In file order.
    public let objects: [Object]
    /// For each image position, the positions of its objects in `objects`.
    public let objectsOfImage: [[Int]]

    /// The category name of `object`.
    public func categoryName(of object: Object) -> String { categories[object.category].name }

    public init(contentsOf url: URL) throws {
        struct Annotation: Decodable {
            var id: Int64
            var image_id: Int64
            var category_id: Int64
            var bbox: Box
            var iscrowd: JSONFlag?
            var area: Double?
        }
        struct File: Decodable {
            var images: [COCOImage]
            var categories: [Category]
            var annotations: [Annotation]
        }
        let path = url.path
        let file = try JSONProblem.decodeDocument(File.self, from: DatasetFile.data(of: url), path: path)
        let imagePositions = try COCOImage.positions(of: file.images, path: path)
        try COCOImage.requireUniqueIDs(file.categories.map(\.id), list: "categories", path: path)
        try COCOImage.requireUniqueIDs(file.annotations.map(\.id), list: "annotations", path: path)
        if let empty = file.categories.firstIndex(where: { $0.name.isEmpty }) {
            throw DatasetError.malformedRecord(path: path, record: "categories[\(empty)].name", reason: "must not be empty")
        }
        let categoryPositions = Dictionary(uniqueKeysWithValues: file.categories.enumerated().map { ($0.element.id, $0.offset) })
        var objectsOfImage = [[Int]](repeating: [], count: file.images.count)
        objects = try file.annotations.enumerated().map { index, annotation in
            guard let image = imagePositions[annotation.image_id] else {
                throw DatasetError.unknownReference(path: path, record: "annotations[\(index)]", reference: "image \(annotation.image_id)")
            }
            guard let category = categoryPositions[annotation.category_id] else {
                throw DatasetError.unknownReference(path: path, record: "annotations[\(index)]",
                                                    reference: "category \(annotation.category_id)")
            }
            objectsOfImage[image].append(index)
            return Object(id: annotation.id, image: image, category: category, box: annotation.bbox,
                          isCrowd: annotation.iscrowd?.value ?? false, area: annotation.area)
        }
        images = file.images
        categories = file.categories
        self.objectsOfImage = objectsOfImage
    }
}
