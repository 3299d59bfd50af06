// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RouterExtension} from "../../contracts/router/RouterExtension.sol";
import {Test} from "forge-std/Test.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {DepositContract} from "../../contracts/devnet/DepositContract.sol";
import {WithdrawalRequestPredeploy} from "../../contracts/devnet/WithdrawalRequestPredeploy.sol";
import {DepositSecurity} from "../../contracts/DepositSecurity.sol";
import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IBondedModule} from "../../contracts/interfaces/IBondedModule.sol";
import {IStakingModule} from "../../contracts/interfaces/IStakingModule.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {BondedModule} from "../../contracts/modules/BondedModule.sol";
import {WithdrawalVault, ExecutionRewardsVault} from "../../contracts/vaults/RewardsVault.sol";
import {StakingRouter} from "../../contracts/StakingRouter.sol";
import {CascadePool} from "../../contracts/CascadePool.sol";
import {PoolExtension} from "../../contracts/pool/PoolExtension.sol";
import {ExitManager} from "../../contracts/ExitManager.sol";
import {StakingRouter__Harness} from "../harness/StakingRouter__Harness.sol";

/// @notice Deploys the router stack behind ERC-1967 proxies in the documented order, with
/// helpers for deterministic keys, deposit data roots and guardian attestations.
abstract contract RouterFixture is Test {
    uint256 internal constant BOOST_BPS = 5_000;
    uint256 internal constant MIN_REP_BPS = 5_000;
    uint256 internal constant QUORUM = 2;
    uint256 internal constant MAX_AGE = 100;

    address internal admin = makeAddr("admin");
    address internal moduleManager = makeAddr("moduleManager");
    address internal operatorManager = makeAddr("operatorManager");
    address internal pauser = makeAddr("pauser");
    address internal keeper = makeAddr("keeper");
    address internal stranger = makeAddr("stranger");
    address internal feeRecipient = makeAddr("feeRecipient");
    address internal classManager = makeAddr("classManager");
    // The modules' ServiceRegistry (an implementation immutable): a plain address here, the
    // real registry once ServicesFixture or SystemFixture deploys it (`_rebuildModules`).
    address internal moduleRegistry = makeAddr("moduleRegistry");
    /// @dev The pool's floor under every class's redemption delay: one oracle frame of
    /// SystemFixture (12 s × 32 slots).
    uint256 internal constant POOL_MIN_REDEEM_DELAY = 12 * 32;

    /// @dev Guardians sorted by address (attestations need ascending signers).
    address[] internal guardians;
    uint256[] internal guardianKeys;

    DepositContract internal dc;
    DepositSecurity internal ds;
    StakingRouter__Harness internal router;
    /// @dev The ETH and class ledger (CascadePool) the router deposits from.
    CascadePool internal pool;
    ExitManager internal exits;
    WithdrawalVault internal wv;
    ExecutionRewardsVault internal elv;
    CuratedModule internal curated;
    BondedModule internal bonded;

    address internal curatedImpl;
    address internal bondedImpl;

    // ---------------------------------------------------------------- deployment

    /// @dev Deposit contract, deposit security, router (harness), exit manager, vaults, the pool. No modules.
    function _deployCore() internal {
        _makeGuardians(3);
        dc = new DepositContract();
        ds = DepositSecurity(
            address(
                new ERC1967Proxy(
                    address(new DepositSecurity()),
                    abi.encodeCall(DepositSecurity.initialize, (admin, guardians, QUORUM, MAX_AGE))
                )
            )
        );
        router = StakingRouter__Harness(
            payable(
                address(
                    new ERC1967Proxy(
                        address(new StakingRouter__Harness(address(new RouterExtension()))),
                        abi.encodeCall(
                            StakingRouter.initialize,
                            (admin, address(dc), address(ds), BOOST_BPS, MIN_REP_BPS)
                        )
                    )
                )
            )
        );
        exits = ExitManager(
            address(
                new ERC1967Proxy(
                    address(new ExitManager()),
                    abi.encodeCall(ExitManager.initialize, (admin, address(router)))
                )
            )
        );
        pool = CascadePool(
            payable(
                address(
                    new ERC1967Proxy(
                        address(new CascadePool(address(new PoolExtension()))),
                        abi.encodeCall(
                            CascadePool.initialize,
                            (admin, classManager, POOL_MIN_REDEEM_DELAY, address(router))
                        )
                    )
                )
            )
        );
        // The vaults pay only the pool (fixed in each vault), when the pool pulls for a report.
        wv = new WithdrawalVault(address(router), address(pool), address(new WithdrawalRequestPredeploy()));
        elv = new ExecutionRewardsVault(address(router), address(pool));
        vm.startPrank(admin);
        router.setVaults(address(wv), address(elv));
        router.setPool(address(pool));
        router.grantRole(router.EXIT_MANAGER_ROLE(), address(exits));
        router.grantRole(router.MODULE_MANAGER_ROLE(), moduleManager);
        router.grantRole(router.PAUSER_ROLE(), pauser);
        vm.stopPrank();
        curatedImpl = address(new CuratedModule(address(router), moduleRegistry));
        bondedImpl = address(new BondedModule(address(router), moduleRegistry));
    }

    /// @dev Core plus a curated module (id 0) and a bonded module (id 1), both at full reputation.
    function _deployDefault() internal {
        _deployCore();
        curated = _newCurated();
        bonded = _newBonded();
        _addModule(address(curated), 1, 10_000, 10_000);
        _addModule(address(bonded), 1, 10_000, 10_000);
    }

    function _newCurated() internal returns (CuratedModule m) {
        m = CuratedModule(
            address(
                new ERC1967Proxy(
                    curatedImpl,
                    abi.encodeCall(CuratedModule.initialize, (admin, operatorManager))
                )
            )
        );
    }

    function _newBonded() internal returns (BondedModule m) {
        m = BondedModule(
            address(
                new ERC1967Proxy(
                    bondedImpl,
                    abi.encodeCall(
                        BondedModule.initialize,
                        (
                            admin,
                            IBondedModule.BondCurve({first: 2.4 ether, next: 1.3 ether}),
                            IBondedModule.BondCurve({first: 1.5 ether, next: 1 ether})
                        )
                    )
                )
            )
        );
    }

    /// @dev The modules' implementations rebuilt for `registry_` (their registry is an
    /// implementation immutable: deploy/system.ts builds them after the registry), the two
    /// default modules upgraded to them, and later `_newCurated`/`_newBonded` use them too.
    /// ServicesFixture and SystemFixture call it once they have a registry.
    function _rebuildModules(address registry_) internal {
        moduleRegistry = registry_;
        curatedImpl = address(new CuratedModule(address(router), registry_));
        bondedImpl = address(new BondedModule(address(router), registry_));
        vm.startPrank(admin);
        curated.upgradeToAndCall(curatedImpl, "");
        bonded.upgradeToAndCall(bondedImpl, "");
        vm.stopPrank();
    }

    function _params(
        uint64 weight,
        uint16 limitBps
    ) internal view returns (IStakingRouter.ModuleParams memory) {
        return
            IStakingRouter.ModuleParams({
                baseWeight: weight,
                stakeShareLimitBps: limitBps,
                moduleFeeBps: 500,
                feeRecipient: feeRecipient
            });
    }

    function _addModule(
        address module,
        uint64 weight,
        uint16 limitBps,
        uint256 rep
    ) internal returns (uint256 id) {
        vm.prank(moduleManager);
        id = router.addModule(module, _params(weight, limitBps), rep);
    }

    function _makeGuardians(uint256 n) private {
        for (uint256 i; i < n; ++i) {
            (address a, uint256 k) = makeAddrAndKey(string.concat("guardian", vm.toString(i)));
            guardians.push(a);
            guardianKeys.push(k);
        }
        // insertion sort by address
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i; j > 0 && guardians[j] < guardians[j - 1]; --j) {
                (guardians[j], guardians[j - 1]) = (guardians[j - 1], guardians[j]);
                (guardianKeys[j], guardianKeys[j - 1]) = (guardianKeys[j - 1], guardianKeys[j]);
            }
        }
    }

    // ---------------------------------------------------------------- keys

    /// @dev Deterministic 48-byte pubkey of `(module, operator, index)`.
    function _pubkey(address module, uint256 op, uint256 idx) internal pure returns (bytes memory) {
        bytes32 h = keccak256(abi.encode("pk", module, op, idx));
        return abi.encodePacked(h, bytes16(keccak256(abi.encode(h))));
    }

    /// @dev Deterministic 96-byte signature of `(module, operator, index)`.
    function _signature(address module, uint256 op, uint256 idx) internal pure returns (bytes memory) {
        bytes32 h = keccak256(abi.encode("sig", module, op, idx));
        return abi.encodePacked(h, keccak256(abi.encode(h, 1)), keccak256(abi.encode(h, 2)));
    }

    /// @dev Concatenated keys `[from, from + count)` of an operator.
    function _keys(
        address module,
        uint256 op,
        uint256 from,
        uint256 count
    ) internal pure returns (bytes memory pubkeys, bytes memory sigs) {
        for (uint256 i; i < count; ++i) {
            pubkeys = bytes.concat(pubkeys, _pubkey(module, op, from + i));
            sigs = bytes.concat(sigs, _signature(module, op, from + i));
        }
    }

    /// @dev A curated operator (manager = `makeAddr(name)`) with `count` keys, all vetted.
    function _curatedOperator(CuratedModule m, uint256 count) internal returns (uint256 op) {
        address manager = makeAddr(string.concat("curatedOp", vm.toString(m.operatorCount())));
        vm.prank(operatorManager);
        op = m.addOperator("op", manager, manager);
        if (count == 0) return op;
        (bytes memory pks, bytes memory sigs) = _keys(address(m), op, 0, count);
        vm.prank(manager);
        m.addKeys(op, pks, sigs);
        vm.prank(operatorManager);
        m.setVettedLimit(op, count);
    }

    /// @dev A bonded operator with `count` keys and exactly the bond they need.
    function _bondedOperator(uint256 count) internal returns (uint256 op, address manager) {
        manager = makeAddr(string.concat("bondedOp", vm.toString(bonded.operatorCount())));
        op = bonded.operatorCount();
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 0, count);
        uint256 bond = count == 0 ? 0 : 2.4 ether + (count - 1) * 1.3 ether;
        vm.deal(manager, bond);
        vm.prank(manager);
        bonded.registerOperator{value: bond}("op", manager, pks, sigs);
    }

    // ---------------------------------------------------------------- deposits

    function _fund(uint256 validators) internal {
        _addBuffered(validators * 32 ether);
    }

    // StakingRouter's and CascadePool's ERC-7201 namespaces and the slots of the fields the
    // fixtures seed (docs/storage-layout.json).
    bytes32 private constant ROUTER_SLOT = 0x1d7422f1ab79353861a3f5d808f4944ef0879ec6e6a4c9afa8730aeb6cebc000;
    bytes32 private constant POOL_SLOT = 0x8ef819bb0faa576e739ddbab276786652b946d5774fed7338010953f7fef6b00;
    uint256 private constant MODULES_FIELD = 4;
    uint256 private constant MODULE_SLOTS = 3; // slots per RouterStorage.ModuleRecord
    uint256 private constant DEPOSITED_FIELD = 0; // `deposited` is the low 32 bits of this slot

    /// @dev Adds `amount` to the pool's buffered ETH (the low 128 bits of its first slot), with
    /// the ETH (no class deposit needed).
    function _addBuffered(uint256 amount) internal {
        address p = address(pool);
        vm.deal(p, p.balance + amount);
        uint256 before = pool.buffered();
        vm.store(p, POOL_SLOT, bytes32(uint256(vm.load(p, POOL_SLOT)) + amount));
        require(pool.buffered() == before + amount, "fixture: pool layout moved");
    }

    /// @dev Sets a module's deposited validators (allocation counts `deposited - exited`).
    function _setDeposited(uint256 moduleId, uint64 deposited) internal {
        address r = address(router);
        uint256 base = uint256(keccak256(abi.encode(uint256(ROUTER_SLOT) + MODULES_FIELD)));
        bytes32 slot = bytes32(base + moduleId * MODULE_SLOTS + DEPOSITED_FIELD);
        uint256 word = uint256(vm.load(r, slot));
        vm.store(r, slot, bytes32(((word >> 32) << 32) | deposited));
        require(router.getModule(moduleId).deposited == deposited, "fixture: Module layout moved");
    }

    /// @dev A quorum attestation for `moduleId` over the current deposit root and its key
    /// nonce, for the previous block (rolls one block forward).
    function _attest(uint256 moduleId) internal returns (IDepositSecurity.Attestation memory a) {
        uint256 nonce = IStakingModule(router.getModule(moduleId).module).keyNonce();
        return _attestWith(moduleId, nonce, dc.get_deposit_root(), QUORUM);
    }

    function _attestWith(
        uint256 moduleId,
        uint256 nonce,
        bytes32 root,
        uint256 signers
    ) internal returns (IDepositSecurity.Attestation memory a) {
        vm.roll(block.number + 1);
        a.moduleId = moduleId;
        a.keyNonce = nonce;
        a.depositRoot = root;
        a.blockNumber = block.number - 1;
        a.blockHash = blockhash(a.blockNumber);
        bytes32 digest = ds.attestationDigest(moduleId, nonce, root, a.blockNumber, a.blockHash);
        a.signatures = new IDepositSecurity.Signature[](signers);
        for (uint256 i; i < signers; ++i) {
            a.signatures[i] = _sign(guardianKeys[i], digest);
        }
    }

    /// @dev What a keeper does: one `depositToBeacon` per module with a share of an allocation
    /// of what is left of `n`, each with its own attestation and keys. Returns the total.
    function _depositAll(uint256 n) internal returns (uint256 total) {
        uint256 count = router.moduleCount();
        for (uint256 id; id < count && total < n; ++id) {
            (uint256[] memory alloc, ) = router.previewAllocation(n - total);
            if (alloc[id] == 0) continue;
            IStakingRouter.ModuleKeys memory mk = _moduleKeysOf(id, alloc[id]);
            IDepositSecurity.Attestation memory a = _attest(id);
            vm.prank(keeper);
            total += router.depositToBeacon(id, n - total, mk, a);
        }
    }

    /// @dev EIP-2098 compact signature.
    function _sign(uint256 key, bytes32 digest) internal pure returns (IDepositSecurity.Signature memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return IDepositSecurity.Signature({r: r, vs: bytes32(uint256(s) | (uint256(v - 27) << 255))});
    }

    /// @dev The keys of each module in its `depositPlan` order for `alloc`, with roots.
    function _moduleKeys(
        uint256[] memory alloc
    ) internal view returns (IStakingRouter.ModuleKeys[] memory mk) {
        mk = new IStakingRouter.ModuleKeys[](alloc.length);
        for (uint256 id; id < alloc.length; ++id) mk[id] = _moduleKeysOf(id, alloc[id]);
    }

    /// @dev The next `count` keys of module `id` in its `depositPlan` order, with roots.
    function _moduleKeysOf(
        uint256 id,
        uint256 count
    ) internal view returns (IStakingRouter.ModuleKeys memory mk) {
        mk.depositDataRoots = new bytes32[](count);
        if (count == 0) return mk;
        bytes memory wc = abi.encodePacked(router.withdrawalCredentials());
        address module = router.getModule(id).module;
        (uint256[] memory ops, uint256[] memory firsts, uint256[] memory counts) = IStakingModule(module)
            .depositPlan(count);
        uint256 j;
        for (uint256 r; r < ops.length; ++r) {
            for (uint256 k; k < counts[r]; ++k) {
                bytes memory pk = _pubkey(module, ops[r], firsts[r] + k);
                bytes memory sig = _signature(module, ops[r], firsts[r] + k);
                mk.pubkeys = bytes.concat(mk.pubkeys, pk);
                mk.signatures = bytes.concat(mk.signatures, sig);
                mk.depositDataRoots[j++] = _depositDataRoot(pk, wc, sig, 32 ether);
            }
        }
    }

    /// @dev Consensus-spec `hash_tree_root(DepositData)` over memory bytes.
    function _depositDataRoot(
        bytes memory pubkey,
        bytes memory wc,
        bytes memory sig,
        uint256 amountWei
    ) internal pure returns (bytes32) {
        bytes32 s0;
        bytes32 s1;
        bytes32 s2;
        assembly {
            s0 := mload(add(sig, 32))
            s1 := mload(add(sig, 64))
            s2 := mload(add(sig, 96))
        }
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 sigRoot = sha256(
            abi.encodePacked(sha256(abi.encodePacked(s0, s1)), sha256(abi.encodePacked(s2, bytes32(0))))
        );
        return
            sha256(
                abi.encodePacked(
                    sha256(abi.encodePacked(pubkeyRoot, wc)),
                    sha256(abi.encodePacked(_le64(uint64(amountWei / 1 gwei)), bytes24(0), sigRoot))
                )
            );
    }

    function _le64(uint64 v) internal pure returns (bytes8 le) {
        for (uint256 i; i < 8; ++i) {
            le |= bytes8(bytes1(uint8(v >> (8 * i)))) >> (8 * i);
        }
    }

    receive() external payable {}
}
