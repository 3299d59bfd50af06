// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICascadePool} from "../interfaces/ICascadePool.sol";
import {IServiceRegistry} from "../interfaces/IServiceRegistry.sol";
import {IYieldClasses} from "../interfaces/IYieldClasses.sol";

/// @title PoolStorage
/// @notice The storage of CascadePool, shared with PoolExtension (which runs by DELEGATECALL on
/// it): one ERC-7201 namespace, laid out so the depositor's calls read few slots.
abstract contract PoolStorage {
    /// @dev One class. Slot 0 holds all a deposit, transfer, request or report reads besides NAV
    /// and supply (the face is checked on every transfer; the report reads the flags, the cover
    /// and both premium parameters here, so it reads two slots per class); slot 1 NAV and supply
    /// (a deposit writes both at once); slot 2 the deposit cap, read only by capped deposits.
    /// `flags`: CLASS_OPEN, CLASS_WIPED, CLASS_CAPPED (depositCap != 0), CLASS_QUEUED (the
    /// class's redemption queue has requests not yet finalized: set by the request that finds it
    /// empty, cleared by the finalization that empties it, so a report skips an empty queue
    /// without reading its slot) shifted down by 160.
    struct Class {
        address face;
        uint8 flags;
        uint16 minCoverBps;
        uint32 redeemDelay;
        uint16 basePremiumBps;
        uint16 maxPremiumBps;
        uint128 nav;
        uint128 supply;
        uint128 depositCap;
    }

    /// @dev One class's redemption queue in one slot, so a request writes it once: the request
    /// count, the first unfinalized index, the value at request of its pending requests and the
    /// shares escrowed for them (the pool's balance of the class, without a balance slot).
    struct Queue {
        uint32 length;
        uint32 head;
        uint96 pendingAssets;
        uint96 escrowed;
    }

    /// @dev A redemption request in ONE slot (`IWithdrawalQueue.Request` is its view): the value
    /// at request until finalized, then the ETH locked for the claim (written over it); the
    /// shares; the time (never zero); the controller's request key in the class (never zero, see
    /// `balances`); the finalized flag. The controller's address is not stored: it is in the
    /// request id (`_requestId`), and the key proves that an id names its request's controller.
    /// uint88 holds 309M ETH (more than exists) and as many shares; a claim clears the slot (the
    /// 4,800 refund pays for the key check).
    struct StoredRequest {
        uint88 assets;
        uint88 shares;
        uint40 requestedAt;
        uint32 key;
        bool finalized;
    }

    /// @custom:storage-location erc7201:cascade.storage.CascadePool
    struct PoolStore {
        // Hot slot: a deposit adds to both. The total NAV lets the cover check read only the
        // classes senior to the deposit's (none for class 0) instead of every junior one.
        uint128 buffered;
        uint128 totalNav;
        uint128 reserved;
        uint128 debt;
        address router;
        uint32 minRedeemDelay;
        uint8 classCount;
        address accounting;
        // Beside `accounting`, which the report's caller check reads: service rewards the
        // registry forwarded as they were paid and no report has booked yet (held apart: not in
        // buffered nor any NAV until a report books them, `applyReport`), so the report moves
        // what it books with no value call and no slot of its own. 2^96 wei is ~79 billion ETH.
        uint96 serviceRewards;
        IServiceRegistry registry;
        // Beside `registry`, which a slash's payout reads for its caller check: the payout
        // rewrites a warm slot that is never zero (2,900 gas) instead of filling a fresh one
        // (22,100) when no payout is waiting.
        uint96 payoutsTotal;
        uint256 minRedeemAssets; // smallest request, in wei of value at request (anti-dust)
        mapping(uint256 classId => Class) classes;
        // Low 128 bits: the holder's balance (≤ the class supply, a uint128). Bits 128–159: the
        // holder's request key in the class, set by its first request as controller (that
        // request's index + 1, so no two holders share one) and never changed; 0 = none yet.
        // Every balance read masks the key out; adding shares never reaches it.
        mapping(uint256 classId => mapping(address holder => uint256)) balances;
        mapping(uint256 classId => Queue) queues;
        mapping(uint256 classId => mapping(uint256 index => StoredRequest)) requests;
        address[] debtors;
        mapping(address recipient => uint256) owed;
        // The recipient's unclaimed slash ETH (low bits) and PAYOUT_OPEN, set when a service
        // naming it registers and never cleared: a slash's credit and a claim rewrite a non-zero
        // slot (2,900 gas) instead of filling a fresh one (22,100) after every claim. Every
        // amount read masks the flag out; credits (≤ payoutsTotal, a uint96) never reach it.
        mapping(address recipient => uint256) payouts;
    }

    /// @dev Request id: controller (high 160 bits) ‖ class id (32) ‖ index in the class queue
    /// (low 64). Its low 96 bits (class ‖ index) are the request's queue position.
    uint256 internal constant CLASS_SHIFT = 64;
    uint256 internal constant CONTROLLER_SHIFT = 96;
    /// @dev Where a holder's request key sits in its balance word (see `balances`).
    uint256 internal constant KEY_SHIFT = 128;
    /// @dev Bits of a `StoredRequest` (assets, shares, requestedAt, key, finalized); the
    /// storage-layout check (scripts/storage-layout.ts) fails if these fields ever move.
    uint256 internal constant REQ_SHARES_SHIFT = 88;
    uint256 internal constant REQ_TIME_SHIFT = 176;
    uint256 internal constant REQ_KEY_SHIFT = 216;
    uint256 internal constant REQ_FINALIZED = 1 << 248;

    /// @dev A recipient's payout account is open (see `payouts`).
    uint256 internal constant PAYOUT_OPEN = 1 << 255;

    /// @dev Bits of `Class` slot 0 (face, flags, minCoverBps, redeemDelay, basePremiumBps,
    /// maxPremiumBps), for one read of it (a field read each is one SLOAD each without viaIR).
    /// The storage-layout check (scripts/storage-layout.ts) fails if these fields ever move.
    uint256 internal constant CLASS_OPEN = 1 << 160;
    uint256 internal constant CLASS_WIPED = 1 << 161;
    uint256 internal constant CLASS_CAPPED = 1 << 162;
    uint256 internal constant CLASS_QUEUED = 1 << 163;
    uint256 internal constant CLASS_COVER_SHIFT = 168;
    uint256 internal constant CLASS_DELAY_SHIFT = 184;
    uint256 internal constant CLASS_BASE_SHIFT = 216;
    uint256 internal constant CLASS_MAX_SHIFT = 232;

    // keccak256(abi.encode(uint256(keccak256("cascade.storage.CascadePool")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT =
        0x8ef819bb0faa576e739ddbab276786652b946d5774fed7338010953f7fef6b00;

    function _s() internal pure returns (PoolStore storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @dev A class that exists has a face: the bounds check reads the slot every caller needs.
    function _class(uint256 classId) internal view returns (Class storage c) {
        c = _s().classes[classId];
        require(c.face != address(0), IYieldClasses.UnknownClass(classId));
    }

    function _params(Class storage c) internal view returns (IYieldClasses.ClassParams memory) {
        return
            IYieldClasses.ClassParams(
                c.basePremiumBps,
                c.maxPremiumBps,
                c.minCoverBps,
                c.redeemDelay,
                c.depositCap
            );
    }

    /// @dev Whether a class is open to deposits (CLASS_OPEN of its slot 0).
    function _isOpen(Class storage c) internal view returns (bool) {
        return _readHead(c) & CLASS_OPEN != 0;
    }

    /// @dev Whether a class is wiped (CLASS_WIPED of its slot 0).
    function _isWiped(Class storage c) internal view returns (bool) {
        return _readHead(c) & CLASS_WIPED != 0;
    }

    /// @dev Sets or clears one flag (CLASS_OPEN, CLASS_WIPED, CLASS_CAPPED) of a class's slot 0.
    function _setFlag(Class storage c, uint256 flag, bool on) internal {
        uint256 head = _readHead(c);
        head = on ? head | flag : head & ~flag;
        assembly {
            sstore(c.slot, head)
        }
    }

    /// @dev Writes a class's NAV and supply with one SSTORE (two field writes to the same slot
    /// cost a second SLOAD and SSTORE without viaIR). Reverts `SafeCastOverflowedUintDowncast`
    /// past uint128. Layout: `Class` slot 1 is nav (low 128 bits) ‖ supply (high); the
    /// storage-layout check (scripts/storage-layout.ts) fails if that ever moves.
    function _writeBook(Class storage c, uint256 nav, uint256 supply) internal {
        uint256 packed = uint256(SafeCast.toUint128(nav)) | (uint256(SafeCast.toUint128(supply)) << 128);
        assembly {
            sstore(add(c.slot, 1), packed)
        }
    }

    /// @dev `Class` slot 0 in one SLOAD: the face in the low 160 bits, then the flags and cover
    /// (CLASS_* above).
    function _readHead(Class storage c) internal view returns (uint256 head) {
        assembly {
            head := sload(c.slot)
        }
    }

    /// @dev A class's NAV and supply in one SLOAD (layout: see _writeBook).
    function _readBook(Class storage c) internal view returns (uint256 nav, uint256 supply) {
        uint256 packed;
        assembly {
            packed := sload(add(c.slot, 1))
        }
        return (uint128(packed), packed >> 128);
    }

    /// @dev `buffered` and the total NAV in one SLOAD (layout: see _writeHot).
    function _readHot(PoolStore storage $) internal view returns (uint256 buffered_, uint256 totalNav_) {
        uint256 packed;
        assembly {
            packed := sload($.slot)
        }
        return (uint128(packed), packed >> 128);
    }

    /// @dev Writes `buffered` and the total NAV with one SSTORE (see _writeBook). Layout:
    /// `PoolStore` slot 0 is buffered (low 128 bits) ‖ totalNav (high).
    function _writeHot(PoolStore storage $, uint256 buffered_, uint256 totalNav_) internal {
        uint256 packed =
            uint256(SafeCast.toUint128(buffered_)) | (uint256(SafeCast.toUint128(totalNav_)) << 128);
        assembly {
            sstore($.slot, packed)
        }
    }

    function _setBuffered(PoolStore storage $, uint256 value) internal {
        $.buffered = SafeCast.toUint128(value);
        emit ICascadePool.BufferedChanged(value);
    }

    function _navs() internal view returns (uint256[] memory n) {
        PoolStore storage $ = _s();
        n = new uint256[]($.classCount);
        for (uint256 i; i < n.length; ++i) n[i] = $.classes[i].nav;
    }

    /// @dev Appends a request to a class queue with one SLOAD and one SSTORE of its packed slot
    /// (four field writes cost three more SLOADs and two more SSTOREs without viaIR): count + 1,
    /// pending value + `assets`, escrow + `shares`, head kept. Reverts
    /// `SafeCastOverflowedUintDowncast` past the fields' widths. Layout: `Queue` is length (low
    /// 32 bits) ‖ head (32) ‖ pendingAssets (96) ‖ escrowed (96); the storage-layout check
    /// (scripts/storage-layout.ts) fails if that ever moves.
    /// @return index the new request's index in the class queue
    function _pushRequest(Queue storage q, uint256 assets, uint256 shares) internal returns (uint256 index) {
        uint256 packed;
        assembly {
            packed := sload(q.slot)
        }
        index = uint32(packed);
        uint256 pending = SafeCast.toUint96(uint96(packed >> 64) + assets);
        uint256 escrowed = SafeCast.toUint96((packed >> 160) + shares);
        packed =
            uint256(SafeCast.toUint32(index + 1)) |
            (packed & (uint256(type(uint32).max) << 32)) |
            (pending << 64) |
            (escrowed << 160);
        assembly {
            sstore(q.slot, packed)
        }
    }

    /// @dev Writes a new request's one slot whole with one SSTORE (no read-modify-write).
    /// Reverts `SafeCastOverflowedUintDowncast(88, …)` for more than 2^88 shares or wei.
    function _storeRequest(StoredRequest storage r, uint256 key, uint256 assets, uint256 shares) internal {
        uint256 packed =
            uint256(SafeCast.toUint88(assets)) |
                (uint256(SafeCast.toUint88(shares)) << REQ_SHARES_SHIFT) |
                (uint256(uint40(block.timestamp)) << REQ_TIME_SHIFT) | // uint40 seconds: year 36,812
                (key << REQ_KEY_SHIFT);
        assembly {
            sstore(r.slot, packed)
        }
    }

    /// @dev A request's slot in one SLOAD (0: never made, or claimed).
    function _loadRequest(StoredRequest storage r) internal view returns (uint256 packed) {
        assembly {
            packed := sload(r.slot)
        }
    }

    function _requestId(address controller, uint256 classId, uint256 index) internal pure returns (uint256) {
        return (uint256(uint160(controller)) << CONTROLLER_SHIFT) | (classId << CLASS_SHIFT) | index;
    }

    function _decodeId(
        uint256 requestId
    ) internal pure returns (address controller, uint256 classId, uint256 index) {
        return (
            address(uint160(requestId >> CONTROLLER_SHIFT)),
            uint32(requestId >> CLASS_SHIFT),
            uint64(requestId)
        );
    }

    /// @dev `holder`'s request key in the class (0 if it never was a controller there).
    function _keyOf(PoolStore storage $, uint256 classId, address holder) internal view returns (uint256) {
        return uint32($.balances[classId][holder] >> KEY_SHIFT);
    }

    /// @dev Σ value at request of every pending request (ETH kept buffered for them).
    function _pendingDemand(PoolStore storage $) internal view returns (uint256 demand) {
        uint256 k = $.classCount;
        for (uint256 i; i < k; ++i) demand += $.queues[i].pendingAssets;
    }

    /// @dev Buffered ETH not owed to services nor kept for the redemptions waiting in the queue
    /// (at their value at request): both are served before new validators (§6 step 10).
    function _depositable(PoolStore storage $) internal view returns (uint256) {
        uint256 b = $.buffered;
        uint256 demand = uint256($.debt) + _pendingDemand($);
        return b > demand ? b - demand : 0;
    }
}
